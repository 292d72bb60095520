package io.tokenflow.follow;

import io.tokenflow.client.OracleException;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.PricingOracleClientBuilder;
import io.tokenflow.client.TableListener;
import io.tokenflow.service.MarketState;
import io.tokenflow.service.ReplicaOracle;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a read replica on its leader's versions through the client SDK, as any client of the leader
 * would: the SDK's WatchPrices stream announces versions; each table newer than the replica's version (or
 * a change of the leader's staleness) triggers one GetMarket ({@link PricingOracleClient#market}), whose
 * scenario and result the replica adopts as is. Announcements that arrive while a GetMarket runs are
 * coalesced (the next fetch takes the newest). When the stream is lost the replica is marked stale (it
 * keeps its version and its age grows) and the SDK reconnects with backoff; a failed GetMarket is retried
 * with the same backoff.
 *
 * <p>Thread-safe. The SDK calls {@link #tableArrived} and {@link #streamLost} on a gRPC thread; they only
 * mark work and return. One thread of the follower's own does the GetMarket calls, so a slow leader never
 * blocks the transport.
 */
public final class LeaderFollower implements TableListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaderFollower.class.getName());
    /** GetMarket carries the whole market: far above gRPC's 4 MiB default on large markets. */
    public static final int MAX_MARKET_BYTES = 1 << 30;

    private final String leader;
    private final ReplicaOracle replica;
    private final long minBackoffMillis;
    private final long maxBackoffMillis;
    private final Thread worker;
    private final Object lock = new Object();
    /** Set by the listener, taken by the worker (guarded by lock). */
    private boolean syncWanted;
    /** Whether the last event was a loss, so only the first of a run of failures is logged as news. */
    private volatile boolean failing;
    private volatile boolean closed;
    private volatile PricingOracleClient client;

    private LeaderFollower(String leader, ReplicaOracle replica, Duration minBackoff, Duration maxBackoff) {
        this.leader = leader;
        this.replica = replica;
        this.minBackoffMillis = minBackoff.toMillis();
        this.maxBackoffMillis = maxBackoff.toMillis();
        this.worker = new Thread(this::run, "tokenflow-follow");
        worker.setDaemon(true);
    }

    /**
     * Starts following {@code leader} (named in logs and in the replica's stale reasons) with a client
     * from {@code leaderClient}, which carries the address and security; the follower sets the watch,
     * its backoff, a GetMarket deadline and a message limit for whole markets.
     */
    public static LeaderFollower start(PricingOracleClientBuilder leaderClient, String leader, ReplicaOracle replica,
            Duration minBackoff, Duration maxBackoff) {
        LeaderFollower follower = new LeaderFollower(leader, replica, minBackoff, maxBackoff);
        follower.client = leaderClient.watch(true).backoff(minBackoff, maxBackoff).deadline(Duration.ofSeconds(10))
                .maxInboundMessageBytes(MAX_MARKET_BYTES).tableListener(follower).build();
        follower.worker.start();
        return follower;
    }

    @Override
    public void tableArrived(long marketVersion, boolean stale) {
        failing = false;
        if (needs(marketVersion, stale)) {
            wantSync();
        }
    }

    @Override
    public void streamLost(String why) {
        lost(streamLostReason(leader, why));
    }

    /**
     * What the log and the stale reason say when the price stream ends: "unreachable" only when it is
     * (UNAVAILABLE, or no answer to the liveness probe); otherwise what the leader answered, since a leader
     * refusing the replica (UNAUTHENTICATED, PERMISSION_DENIED) or a table over the limit
     * (RESOURCE_EXHAUSTED) is fixed by its operator, not by waiting.
     */
    static String streamLostReason(String leader, String why) {
        boolean unreachable = why.startsWith("UNAVAILABLE") || why.contains("did not answer a health check");
        return unreachable ? "the leader " + leader + " is unreachable: " + why
                : "the leader " + leader + " ended the price stream: " + why;
    }

    private boolean needs(long version, boolean stale) {
        if (!replica.ready()) {
            return true;
        }
        MarketState current = replica.state();
        return version > current.version() || (version == current.version() && stale != current.stale());
    }

    private void wantSync() {
        synchronized (lock) {
            syncWanted = true;
            lock.notifyAll();
        }
    }

    private void run() {
        long backoff = minBackoffMillis;
        while (!closed) {
            synchronized (lock) {
                while (!syncWanted && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                syncWanted = false;
            }
            if (closed) {
                return;
            }
            try {
                sync();
                backoff = minBackoffMillis;
            } catch (OracleException | IllegalArgumentException e) {
                lost("following the leader " + leader + " failed: " + e.getMessage());
                try {
                    TimeUnit.MILLISECONDS.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, maxBackoffMillis);
                wantSync();
            }
        }
    }

    /** Fetches the leader's current version and adopts it (GetMarket may be ahead of the table: fine). */
    private void sync() {
        PublishedVersion version = PublishedVersion.of(client.market());
        replica.adopt(version.version(), version.clearedAt(), version.scenario(), version.result());
        if (version.stale()) {
            replica.markStale("the leader " + leader + " reports its market stale");
        }
    }

    private void lost(String why) {
        if (closed) {
            return;
        }
        replica.markStale(why);
        // the first failure in a row is news; the retries after it are not
        LOG.log(failing ? Level.DEBUG : Level.WARNING, why + "; retrying");
        failing = true;
    }

    /** Stops following and closes the client; the replica keeps its last version. */
    @Override
    public void close() {
        closed = true;
        wantSync();
        worker.interrupt();
        PricingOracleClient c = client;
        if (c != null) {
            c.close();
        }
        try {
            worker.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
