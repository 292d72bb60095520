package io.tokenflow.grpc;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.WatchRequest;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.service.ReplicaOracle;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a read replica's {@link ReplicaOracle} on its leader's versions through the same RPCs the SDK
 * uses: a WatchPrices stream announces versions; each table newer than the replica's version (or a
 * change of the leader's staleness) triggers one GetMarket, whose scenario and result the replica
 * adopts as is. Tables that arrive while a GetMarket runs are coalesced (the next fetch takes the
 * newest). When the stream fails the replica is marked stale (it keeps its version and its age grows)
 * and the follower reconnects with exponential backoff.
 */
public final class LeaderFollower implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaderFollower.class.getName());

    private final ManagedChannel channel;
    private final String leader;
    private final ReplicaOracle replica;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final Thread thread;
    private volatile boolean closed;

    /** Owns {@code channel} (closes it on {@link #close}). */
    public LeaderFollower(ManagedChannel channel, String leader, ReplicaOracle replica, Duration minBackoff,
            Duration maxBackoff) {
        this.channel = channel;
        this.leader = leader;
        this.replica = replica;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.thread = new Thread(this::run, "tokenflow-follow");
        thread.setDaemon(true);
    }

    public LeaderFollower start() {
        thread.start();
        return this;
    }

    private void run() {
        long backoff = minBackoff.toMillis();
        while (!closed) {
            String why;
            try {
                Iterator<PriceTable> tables = PricingOracleGrpc.newBlockingStub(channel)
                        .watchPrices(WatchRequest.getDefaultInstance());
                while (tables.hasNext()) {
                    PriceTable table = tables.next();
                    if (needs(table)) {
                        sync();
                    }
                    backoff = minBackoff.toMillis();
                }
                why = "the leader " + leader + " ended the price stream";
            } catch (StatusRuntimeException e) {
                why = "the leader " + leader + " is unreachable: " + e.getStatus().getCode()
                        + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription());
            } catch (RuntimeException e) {
                why = "following the leader " + leader + " failed: " + e;
                LOG.log(Level.WARNING, why, e);
            }
            if (closed) {
                return;
            }
            replica.markStale(why);
            // the first failure in a row is news; the retries after it are not
            LOG.log(backoff == minBackoff.toMillis() ? Level.WARNING : Level.DEBUG,
                    why + "; retrying in " + backoff + " ms");
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, maxBackoff.toMillis());
        }
    }

    private boolean needs(PriceTable table) {
        if (!replica.ready()) {
            return true;
        }
        var current = replica.state();
        return table.getMarketVersion() > current.version()
                || (table.getMarketVersion() == current.version() && table.getStale() != current.stale());
    }

    /** Fetches the leader's current version and adopts it (GetMarket may be ahead of the table: fine). */
    private void sync() {
        GetMarketResponse market = PricingOracleGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getMarket(GetMarketRequest.getDefaultInstance());
        if (market.getScenarioJson().isEmpty()) {
            throw new IllegalStateException("the leader " + leader + " sends no scenario_json in GetMarket"
                    + " (an older version that cannot be followed)");
        }
        replica.adopt(market.getMarketVersion(), ProtoMapping.instant(market.getClearedAt()),
                ScenarioJson.read(market.getScenarioJson()), ProtoMapping.clearingResult(market.getResult()));
        if (market.getStale()) {
            replica.markStale("the leader " + leader + " reports its market stale");
        }
    }

    /** Stops following and closes the channel; the replica keeps its last version. */
    @Override
    public void close() {
        closed = true;
        channel.shutdownNow();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
