package io.tokenflow.market.scenarios;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Seeded synthetic networks for tests and benchmarks: the same {@link Spec} always gives the same
 * scenario. Sites are scattered over the continental US and joined both ways, either each to its
 * nearest neighbours ({@link Shape#NEAREST}) or in a ring with a few chords ({@link Shape#RING_WITH_CHORDS},
 * a sparse backbone); components are bridged, so the network is connected; latency follows the
 * paper's rule (km / 200 + 5 ms). Classes differ by orders of magnitude in data and energy per token,
 * as the paper's do.
 */
public final class SyntheticScenarios {

    /** How sites are joined. */
    public enum Shape {
        /** Each site to its {@code neighbours} nearest sites. */
        NEAREST,
        /**
         * A ring through every site in order of bearing from the centre, plus about one chord per
         * {@code neighbours} sites to one of the chord's end's eight nearest sites: sparse, with few
         * alternative paths, as real backbones are. Latency limits are then 2-5 times the median link
         * latency, so that several hops fit within a limit and END_TO_END binds where PER_LINK does not.
         */
        RING_WITH_CHORDS
    }

    /**
     * What to generate.
     *
     * @param nodes          number of sites (≥ 1)
     * @param classes        number of workload classes (≥ 1)
     * @param neighbours     each site links to this many nearest sites, both ways
     * @param bandwidthModel token-equivalent or transfer-aware
     * @param load           Σ demand / Σ capacity per class; above 1 must-serve demand cannot all be met
     * @param latencyLimits  give about half of the classes a latency limit that rules out long links
     * @param penaltyShare   the share of classes that may go unserved at a penalty
     * @param seed           the random seed
     * @param shape          how sites are joined
     * @param latencyScope   the scenario's latency scope
     */
    public record Spec(int nodes, int classes, int neighbours, BandwidthModel bandwidthModel, double load,
            boolean latencyLimits, double penaltyShare, long seed, Shape shape, LatencyScope latencyScope) {

        public Spec {
            if (nodes < 1 || classes < 1 || neighbours < 0) {
                throw new IllegalArgumentException("need nodes >= 1, classes >= 1, neighbours >= 0; got " + nodes
                        + ", " + classes + ", " + neighbours);
            }
            if (!(load >= 0) || !(penaltyShare >= 0 && penaltyShare <= 1)) {
                throw new IllegalArgumentException("need load >= 0 and penaltyShare in [0, 1]; got " + load + ", "
                        + penaltyShare);
            }
            if (shape == null || latencyScope == null) {
                throw new IllegalArgumentException("need a shape and a latency scope");
            }
        }

        /** Nearest-neighbour sites under the paper's PER_LINK rule (the seeds' scenarios before END_TO_END existed). */
        public Spec(int nodes, int classes, int neighbours, BandwidthModel bandwidthModel, double load,
                boolean latencyLimits, double penaltyShare, long seed) {
            this(nodes, classes, neighbours, bandwidthModel, load, latencyLimits, penaltyShare, seed, Shape.NEAREST,
                    LatencyScope.PER_LINK);
        }

        public Spec withShape(Shape s) {
            return new Spec(nodes, classes, neighbours, bandwidthModel, load, latencyLimits, penaltyShare, seed, s,
                    latencyScope);
        }

        public Spec withLatencyScope(LatencyScope scope) {
            return new Spec(nodes, classes, neighbours, bandwidthModel, load, latencyLimits, penaltyShare, seed, shape,
                    scope);
        }

        /** The benchmark's large case: {@code nodes} sites, {@code classes} classes, 10 neighbours, load 0.6. */
        public static Spec large(int nodes, int classes, long seed) {
            return new Spec(nodes, classes, 10, BandwidthModel.TOKEN_EQUIVALENT, 0.6, true, 0.25, seed);
        }

        /**
         * The benchmark's sparse END_TO_END case: a ring with a chord per 3 sites, {@code classes} classes
         * of which about half have a limit of 2-5 median link latencies, load 0.6, every class with a
         * penalty (as {@code tokenflow serve} gives each: the live market always clears).
         */
        public static Spec sparse(int nodes, int classes, long seed) {
            return new Spec(nodes, classes, 3, BandwidthModel.TOKEN_EQUIVALENT, 0.6, true, 1.0, seed,
                    Shape.RING_WITH_CHORDS, LatencyScope.END_TO_END);
        }
    }

    private SyntheticScenarios() {}

    public static Scenario generate(Spec spec) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        int n = spec.nodes();
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int j = 0; j < n; j++) {
            lat[j] = round(25 + 24 * random.nextDouble(), 4);
            lon[j] = round(-124 + 57 * random.nextDouble(), 4);
        }
        double[] perMegawatt = new double[spec.classes()];
        double[] gb = new double[spec.classes()];
        double[] kwh = new double[spec.classes()];
        double[] latencyDraw = new double[spec.classes()];
        OptionalDouble[] penalty = new OptionalDouble[spec.classes()];
        double[] classOpex = new double[spec.classes()];
        for (int k = 0; k < spec.classes(); k++) {
            gb[k] = round(Math.pow(10, -1 + 3 * random.nextDouble()), 3);
            kwh[k] = round(Math.pow(10, -0.3 + 3 * random.nextDouble()), 3);
            perMegawatt[k] = Math.round(200 + 4800 * random.nextDouble());
            latencyDraw[k] = spec.latencyLimits() && random.nextBoolean() ? random.nextDouble() : Double.NaN;
            penalty[k] = random.nextDouble() < spec.penaltyShare()
                    ? OptionalDouble.of(round(kwh[k] * 0.2 * (1 + 2 * random.nextDouble()), 4)) : OptionalDouble.empty();
            classOpex[k] = random.nextDouble() < 0.3 ? round(0.05 * random.nextDouble(), 4) : 0;
        }
        List<String> classIds = new ArrayList<>();
        for (int k = 0; k < spec.classes(); k++) {
            classIds.add(String.format(Locale.ROOT, "class-%02d", k));
        }
        List<ComputeNode> nodes = new ArrayList<>();
        double[][] capacity = new double[n][spec.classes()];
        for (int j = 0; j < n; j++) {
            double megawatts = Math.round(20 + 980 * random.nextDouble() * random.nextDouble());
            Map<String, Double> caps = new LinkedHashMap<>();
            for (int k = 0; k < spec.classes(); k++) {
                // some sites do not serve some classes at all
                capacity[j][k] = random.nextDouble() < 0.15 ? 0 : megawatts * perMegawatt[k];
                caps.put(classIds.get(k), capacity[j][k]);
            }
            double opex = random.nextDouble() < 0.2 ? round(0.02 * random.nextDouble(), 4) : 0;
            nodes.add(new ComputeNode(nodeId(j), "Site " + j, OptionalDouble.of(lat[j]), OptionalDouble.of(lon[j]),
                    round(0.03 + 0.17 * random.nextDouble(), 3), opex, caps));
        }
        List<Link> links = links(spec, lat, lon, random);
        double medianLatency = links.stream().mapToDouble(Link::latencyMs).sorted()
                .skip(links.size() / 2).findFirst().orElse(5);
        List<WorkloadClass> classes = new ArrayList<>();
        for (int k = 0; k < spec.classes(); k++) {
            double u = latencyDraw[k];
            OptionalDouble latency = Double.isNaN(u) ? OptionalDouble.empty()
                    : OptionalDouble.of(spec.shape() == Shape.NEAREST ? round(8 + 12 * u, 1)
                            : round((2 + 3 * u) * medianLatency, 1));
            classes.add(new WorkloadClass(classIds.get(k), gb[k], kwh[k], latency, penalty[k], classOpex[k]));
        }
        List<Demand> demand = new ArrayList<>();
        for (int k = 0; k < spec.classes(); k++) {
            double total = 0;
            for (int j = 0; j < n; j++) {
                total += capacity[j][k];
            }
            double[] weight = new double[n];
            double weightSum = 0;
            for (int j = 0; j < n; j++) {
                // demand leans towards sites with capacity (as population and data centres do), with
                // enough imbalance that the network has to move tokens
                double base = capacity[j][k] > 0 ? capacity[j][k] : 0.2 * total / n;
                weight[j] = random.nextDouble() < 0.3 ? 0 : base * (0.3 + 1.4 * random.nextDouble());
                weightSum += weight[j];
            }
            for (int j = 0; j < n && weightSum > 0; j++) {
                if (weight[j] > 0) {
                    double rate = Math.round(spec.load() * total * weight[j] / weightSum);
                    demand.add(new Demand(nodeId(j), classIds.get(k), rate));
                }
            }
        }
        String name = String.format(Locale.ROOT, "synthetic-%d-nodes-%d-classes-seed-%d", n, spec.classes(), spec.seed())
                + (spec.shape() == Shape.NEAREST ? "" : "-ring") + (spec.latencyScope() == LatencyScope.PER_LINK ? ""
                        : "-end-to-end");
        return new Scenario(name, spec.bandwidthModel(), spec.latencyScope(), classes, nodes, links, demand);
    }

    private static List<Link> links(Spec spec, double[] lat, double[] lon, SplittableRandom random) {
        int n = lat.length;
        boolean[][] joined = new boolean[n][];
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            joined[i] = new boolean[n];
        }
        if (spec.shape() == Shape.RING_WITH_CHORDS) {
            ringWithChords(spec, joined, pairs, lat, lon, random);
        }
        double[] row = new double[n];
        for (int i = 0; i < n && spec.shape() == Shape.NEAREST; i++) {
            final int from = i;
            // each distance once per row, not twice per comparison: 3000 sites took over a minute
            for (int j = 0; j < n; j++) {
                row[j] = km(lat, lon, from, j);
            }
            Integer[] nearest = IntStream.range(0, n).filter(j -> j != from).boxed()
                    .sorted(Comparator.comparingDouble(j -> row[j]))
                    .limit(spec.neighbours())
                    .toArray(Integer[]::new);
            for (int j : nearest) {
                addPair(joined, pairs, i, j);
            }
        }
        bridgeComponents(joined, pairs, lat, lon);
        List<Link> links = new ArrayList<>();
        for (int[] pair : pairs) {
            double km = km(lat, lon, pair[0], pair[1]);
            double gbps = random.nextDouble() < 0.2 ? 100 : 10;
            double latency = round(km / 200 + 5, 3);
            double route = random.nextDouble() < 0.2 ? round(0.002 * random.nextDouble(), 5) : 0;
            links.add(new Link(nodeId(pair[0]), nodeId(pair[1]), gbps, latency, 0.01, route));
            links.add(new Link(nodeId(pair[1]), nodeId(pair[0]), gbps, latency, 0.01, route));
        }
        return links;
    }

    /** A ring in order of bearing from the centre of the sites, then about one chord per {@code neighbours} sites. */
    private static void ringWithChords(Spec spec, boolean[][] joined, List<int[]> pairs, double[] lat, double[] lon,
            SplittableRandom random) {
        int n = lat.length;
        double cLat = Arrays.stream(lat).average().orElse(0);
        double cLon = Arrays.stream(lon).average().orElse(0);
        Integer[] ring = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble(j -> Math.atan2(lat[j] - cLat, lon[j] - cLon)))
                .toArray(Integer[]::new);
        for (int i = 0; i + 1 < n || (n > 2 && i + 1 == n); i++) {
            addPair(joined, pairs, ring[i], ring[(i + 1) % n]);
        }
        int chords = spec.neighbours() == 0 ? 0 : n / spec.neighbours();
        for (int c = 0; c < chords && n > 3; c++) {
            int from = random.nextInt(n);
            Integer[] near = IntStream.range(0, n).filter(j -> j != from && !joined[from][j]).boxed()
                    .sorted(Comparator.comparingDouble(j -> km(lat, lon, from, j))).limit(8).toArray(Integer[]::new);
            if (near.length > 0) {
                addPair(joined, pairs, from, near[random.nextInt(near.length)]);
            }
        }
    }

    private static void addPair(boolean[][] joined, List<int[]> pairs, int i, int j) {
        if (!joined[i][j]) {
            joined[i][j] = true;
            joined[j][i] = true;
            pairs.add(new int[] {Math.min(i, j), Math.max(i, j)});
        }
    }

    /** Joins each component to its nearest site outside it until one component remains. */
    private static void bridgeComponents(boolean[][] joined, List<int[]> pairs, double[] lat, double[] lon) {
        int n = lat.length;
        // adjacency lists in increasing order, as the scan of joined[u] they replace visited them
        List<TreeSet<Integer>> neighbours = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            neighbours.add(new TreeSet<>());
        }
        for (int[] pair : pairs) {
            neighbours.get(pair[0]).add(pair[1]);
            neighbours.get(pair[1]).add(pair[0]);
        }
        while (true) {
            int[] component = new int[n];
            Arrays.fill(component, -1);
            int count = 0;
            for (int start = 0; start < n; start++) {
                if (component[start] >= 0) {
                    continue;
                }
                ArrayDeque<Integer> stack = new ArrayDeque<>();
                stack.push(start);
                component[start] = count;
                while (!stack.isEmpty()) {
                    int u = stack.pop();
                    for (int v : neighbours.get(u)) {
                        if (component[v] < 0) {
                            component[v] = count;
                            stack.push(v);
                        }
                    }
                }
                count++;
            }
            if (count <= 1) {
                return;
            }
            int bestI = -1;
            int bestJ = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (component[i] != 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    if (component[j] != 0) {
                        double d = km(lat, lon, i, j);
                        if (d < best) {
                            best = d;
                            bestI = i;
                            bestJ = j;
                        }
                    }
                }
            }
            addPair(joined, pairs, bestI, bestJ);
            neighbours.get(bestI).add(bestJ);
            neighbours.get(bestJ).add(bestI);
        }
    }

    static String nodeId(int j) {
        return String.format(Locale.ROOT, "site-%04d", j);
    }

    private static double km(double[] lat, double[] lon, int i, int j) {
        return GreatCircle.km(lat[i], lon[i], lat[j], lon[j]);
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
