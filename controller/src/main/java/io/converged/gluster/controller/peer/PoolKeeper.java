package io.converged.gluster.controller.peer;

import io.converged.gluster.controller.gluster.GlusterException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps the trusted storage pool formed while the controller runs: at start and then every
 * interval, peers that were discovered but are not in the pool are probed in (a new storage node's
 * peer pod joins without anyone exec-ing into a peer). Disconnected peers are reported, never
 * detached.
 */
public final class PoolKeeper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PoolKeeper.class.getName());

    private final PeerSource source;
    private final PoolFormation formation;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pool-keeper");
        thread.setDaemon(true);
        return thread;
    });
    /** What was last logged, so a state is logged once when it changes; null before the first round. */
    private volatile String lastProblem;

    public PoolKeeper(PeerSource source, PoolFormation formation, Duration interval) {
        this.source = source;
        this.formation = formation;
        this.interval = interval;
    }

    /** Forms the pool now and then every interval, in the background. */
    public void start() {
        timer.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: discover, probe what is missing, report what is disconnected. */
    public PoolFormation.Report runOnce() throws PeerDiscoveryException, GlusterException {
        PoolFormation.Report report = formation.form(source.peers());
        String problem = report.complete() ? "" : "pool incomplete: failed " + report.failed().keySet()
                + ", disconnected " + report.disconnected();
        if (!problem.equals(lastProblem)) {
            if (problem.isEmpty()) {
                LOG.info("pool complete: every discovered peer is in the pool and connected");
            } else {
                LOG.warning(problem);
            }
            lastProblem = problem;
        }
        return report;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (PeerDiscoveryException | GlusterException | RuntimeException e) {
            String problem = "cannot form the pool: " + e.getMessage();
            if (!problem.equals(lastProblem)) {
                LOG.warning(problem);
                lastProblem = problem;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
