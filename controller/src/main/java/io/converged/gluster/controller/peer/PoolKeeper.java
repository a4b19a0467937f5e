package io.converged.gluster.controller.peer;

import io.converged.gluster.controller.gluster.GlusterException;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;

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
    private volatile List<UuidClash> clashes = List.of();
    private final Gauge clashCount = Gauge.builder().name("gluster_csi_peer_uuid_clashes")
            .help("Groups of discovered peers that answer with one UUID (a cloned disk image); such a peer is not"
                    + " probed into the pool").build();

    private final HeldBack heldBack;

    public PoolKeeper(PeerSource source, PoolFormation formation, Duration interval) {
        this(source, formation, interval, new HeldBack());
    }

    /**
     * @param source every discovered peer (not filtered by {@code heldBack})
     * @param heldBack peers the controller detached: never probed back while still discovered
     */
    public PoolKeeper(PeerSource source, PoolFormation formation, Duration interval, HeldBack heldBack) {
        this.source = source;
        this.formation = formation;
        this.interval = interval;
        this.heldBack = heldBack;
    }

    /** Forms the pool now and then every interval, in the background. */
    public void start() {
        timer.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: discover, probe what is missing, report what is disconnected and which peers share a UUID. */
    public PoolFormation.Report runOnce() throws PeerDiscoveryException, GlusterException {
        List<Peer> discovered = source.peers();
        heldBack.releaseUnlisted(discovered);
        PoolFormation.Report report = formation.form(discovered.stream().filter(p -> !heldBack.held(p)).toList());
        clashes = report.clashes();
        clashCount.set(clashes.size());
        String problem = report.complete() ? "" : "pool incomplete: failed " + report.failed().keySet()
                + ", disconnected " + report.disconnected()
                + report.clashes().stream().map(c -> "; " + c.fix()).collect(Collectors.joining());
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

    /** The UUID clashes the last round found. */
    public List<UuidClash> clashes() {
        return clashes;
    }

    public void register(PrometheusRegistry registry) {
        registry.register(clashCount);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
