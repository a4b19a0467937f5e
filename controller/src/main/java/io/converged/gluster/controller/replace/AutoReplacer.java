package io.converged.gluster.controller.replace;

import io.converged.gluster.controller.gluster.HealSummary;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The opt-in automatic replacement of lost peers ({@code --replace-lost-peers-after}): a peer that
 * has been disconnected longer than the wait and still holds bricks has them moved, by the same
 * {@link BrickMoves} the operator's {@code peer replace} uses, to peers chosen by the placement
 * rules. One volume at a time: the next move waits until the heal the last one started is done.
 * Never while another peer of the same volume is also down ({@link MoveMode#AUTO}); a volume that
 * cannot move is logged once with the reason and counted. What it does is in its {@link #status()},
 * its log and its metrics.
 */
public final class AutoReplacer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AutoReplacer.class.getName());

    private final BrickMoves moves;
    private final Duration after;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "auto-replace");
        thread.setDaemon(true);
        return thread;
    });
    private final Counter moved = Counter.builder().name("gluster_csi_auto_replace_moves")
            .help("Bricks the automatic replacement of lost peers moved, by result (moved, failed)")
            .labelNames("result").build();
    private final Gauge lostPeers = Gauge.builder().name("gluster_csi_auto_replace_lost_peers")
            .help("Peers disconnected longer than --replace-lost-peers-after that still hold bricks").build();
    private final Gauge refused = Gauge.builder().name("gluster_csi_auto_replace_refused_volumes")
            .help("Volumes with a brick on a lost peer that cannot move now (the log says why)").build();
    private final Gauge healing = Gauge.builder().name("gluster_csi_auto_replace_healing")
            .help("1 while the volume the last automatic move changed is still healing").build();

    /** Refusals already logged, by volume, so each is logged once while it lasts. */
    private final Map<String, String> told = new HashMap<>();
    private volatile String status = "not started";
    /** The volume whose heal the last move started, until it is done. */
    private String awaitingHeal;
    /** Bricks moved since the controller started, and the last move in a sentence: what the status keeps. */
    private int movedSinceStart;
    private String lastMove;
    private boolean resumed;
    /** The heal last logged as waited for, and when: a wait is logged when it starts and once a minute. */
    private String toldWaitingFor;
    private long toldWaitingAt;

    /**
     * @param after how long a peer must be disconnected before its bricks move
     * @param interval how often to look
     */
    public AutoReplacer(BrickMoves moves, Duration after, Duration interval) {
        if (after.isNegative() || after.isZero()) {
            throw new IllegalArgumentException("the wait before replacing a lost peer must be positive");
        }
        this.moves = moves;
        this.after = after;
        this.interval = interval;
    }

    public Duration after() {
        return after;
    }

    /** What it did last, or is doing, in a sentence. */
    public String status() {
        return status;
    }

    public void register(PrometheusRegistry registry) {
        moved.initLabelValues("moved");
        moved.initLabelValues("failed");
        registry.register(moved);
        registry.register(lostPeers);
        registry.register(refused);
        registry.register(healing);
    }

    /** Looks now and then every interval, in the background. */
    public void start() {
        LOG.info("automatic replacement of lost peers is on: bricks of a peer disconnected for more than "
                + after + " move to other peers, one volume at a time");
        status = "watching for peers disconnected longer than " + after;
        timer.scheduleWithFixedDelay(this::runQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One round: follow the heal under way, or move one brick of a lost peer. */
    public synchronized void runOnce() throws CsiException {
        List<BrickMoves.PeerState> peers = moves.peers();
        if (awaitingHeal != null && !healed(awaitingHeal)) {
            return;
        }
        List<BrickMoves.PeerState> lost = peers.stream()
                .filter(p -> !p.connected() && p.bricks() > 0 && p.disconnectedFor().compareTo(after) >= 0)
                .sorted(Comparator.comparing(BrickMoves.PeerState::disconnectedFor).reversed())
                .toList();
        lostPeers.set(lost.size());
        if (!resumed) {
            resumed = true;
            // A move a previous controller made may still be healing: wait for it as for our own.
            for (BrickMoves.PeerState peer : lost) {
                for (Move move : moves.plan(peer.address(), Optional.empty(), MoveMode.AUTO).moves()) {
                    if (move.state() == Move.State.MOVED && !healed(move.volume())) {
                        return;
                    }
                }
            }
        }
        Set<String> cannot = new TreeSet<>();
        for (BrickMoves.PeerState peer : lost) {
            for (Move move : moves.plan(peer.address(), Optional.empty(), MoveMode.AUTO).moves()) {
                if (move.state() == Move.State.REFUSED) {
                    // One volume with bricks on two lost peers is one volume that cannot move.
                    cannot.add(move.volume());
                    if (!move.refusal().equals(told.put(move.volume(), move.refusal()))) {
                        LOG.warning("automatic replacement: peer " + peer.address() + " has been disconnected for "
                                + peer.disconnectedFor().toSeconds() + " s, but its brick of " + move.volume()
                                + " cannot move now: " + move.refusal());
                    }
                    continue;
                }
                if (move.state() != Move.State.PENDING) {
                    continue;
                }
                told.remove(move.volume());
                LOG.info("automatic replacement: peer " + peer.address() + " has been disconnected for "
                        + peer.disconnectedFor().toSeconds() + " s (more than " + after.toSeconds() + " s); moving"
                        + " its brick of " + move.volume() + " to " + move.toPeer());
                try {
                    BrickMoves.MoveResult result = moves.move(move.volume(), peer.address(), Optional.empty(),
                            MoveMode.AUTO);
                    moved.labelValues("moved").inc();
                    movedSinceStart++;
                    awaitingHeal = move.volume();
                    healing.set(1);
                    lastMove = "the brick of " + move.volume() + " from lost peer " + peer.address() + " to "
                            + result.move().toPeer() + " in " + result.took().toMillis() + " ms";
                    status = "moved " + lastMove + "; healing";
                } catch (CsiException e) {
                    moved.labelValues("failed").inc();
                    status = "moving the brick of " + move.volume() + " off " + peer.address() + " failed: "
                            + e.getMessage();
                    LOG.warning("automatic replacement: " + status);
                }
                refused.set(cannot.size());
                return;
            }
        }
        refused.set(cannot.size());
        status = (lost.isEmpty() ? "no peer has been disconnected longer than " + after
                : "lost peer(s) " + lost.stream().map(BrickMoves.PeerState::address).toList() + ": " + cannot.size()
                        + " volume(s) cannot move now " + cannot + " (see the log)") + done();
    }

    /** What was moved since the start, for a status that would otherwise only say what is left. */
    private String done() {
        return lastMove == null ? "" : "; moved " + movedSinceStart + " brick(s) since the controller started, the"
                + " last " + lastMove;
    }

    private boolean healed(String volume) throws CsiException {
        HealSummary heal;
        try {
            heal = moves.heal(volume);
        } catch (CsiException e) {
            if (e.code() != Status.Code.NOT_FOUND) {
                throw e;
            }
            // Deleted meanwhile: nothing left to wait for.
            awaitingHeal = null;
            healing.set(0);
            return true;
        }
        if (heal.healed()) {
            if (volume.equals(awaitingHeal)) {
                LOG.info("automatic replacement: volume " + volume + " is healed");
                if (lastMove != null && lastMove.startsWith("the brick of " + volume + " ")
                        && !lastMove.endsWith(", healed")) {
                    lastMove += ", healed";
                }
            }
            awaitingHeal = null;
            healing.set(0);
            return true;
        }
        String waiting = "waiting for the heal of " + volume + ": " + heal.pendingEntries() + " entries to heal, "
                + heal.splitBrainEntries() + " in split-brain" + heal.bricks().stream().filter(b -> !b.connected())
                .map(b -> "; " + b.name() + " " + b.status()).collect(Collectors.joining());
        long now = System.nanoTime();
        if (!volume.equals(toldWaitingFor) || now - toldWaitingAt > TimeUnit.MINUTES.toNanos(1)) {
            LOG.info("automatic replacement: " + waiting);
            toldWaitingFor = volume;
            toldWaitingAt = now;
        }
        awaitingHeal = volume;
        healing.set(1);
        status = waiting;
        return false;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (CsiException | RuntimeException e) {
            String problem = "automatic replacement cannot look at the pool: " + e.getMessage();
            if (!problem.equals(status)) {
                LOG.warning(problem);
            }
            status = problem;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
