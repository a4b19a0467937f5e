package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.admin.v1.AdminGrpc;
import io.converged.gluster.csi.admin.v1.DetachPeerRequest;
import io.converged.gluster.csi.admin.v1.GetHealRequest;
import io.converged.gluster.csi.admin.v1.GetHealResponse;
import io.converged.gluster.csi.admin.v1.Move;
import io.converged.gluster.csi.admin.v1.MoveBrickRequest;
import io.converged.gluster.csi.admin.v1.MoveBrickResponse;
import io.converged.gluster.csi.admin.v1.Peer;
import io.converged.gluster.csi.admin.v1.PlanMovesRequest;
import io.converged.gluster.csi.admin.v1.PlanMovesResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code peer replace} and {@code peer drain} do, over the controller's admin API: plan, then
 * volume by volume move the brick and follow its heal to the end, saying how far it is; plan again
 * (a volume made meanwhile may have landed on the peer); for a drain, detach the peer once it holds
 * nothing. Each step asks the controller, which reads gluster, so a run that was interrupted is
 * simply run again: volumes moved before are followed to the end of their heal, the rest are moved.
 */
final class PeerMover {
    /** Plans again at most this often, for volumes that landed on the peer while it was being emptied. */
    private static final int ROUNDS = 3;
    /** A volume another call holds (ABORTED) is tried again this many times, a few seconds apart. */
    private static final int BUSY_TRIES = 20;

    /** Waits between polls; tests substitute one that does not sleep. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** One volume's line of the summary. */
    record Row(String volume, String kind, String from, String to, String result, double moveSeconds,
            double healSeconds, long pending, String reason) {

        boolean done() {
            return result.equals(MOVED) || result.equals(MOVED_BEFORE);
        }

        Map<String, Object> columns() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("volume", volume);
            row.put("kind", kind);
            row.put("from", from);
            row.put("to", to);
            row.put("result", result);
            row.put("moveSeconds", round(moveSeconds));
            row.put("healSeconds", round(healSeconds));
            row.put("pending", pending);
            row.put("reason", reason);
            return row;
        }
    }

    /** What a run did. */
    record Outcome(Peer peer, List<Row> rows, boolean detached, boolean complete) {
    }

    static final String MOVED = "moved";
    static final String MOVED_BEFORE = "moved earlier";
    static final String REFUSED = "refused";
    static final String FAILED = "failed";
    static final String HEAL_UNFINISHED = "heal unfinished";

    private final Supplier<AdminGrpc.AdminBlockingStub> admin;
    private final PrintWriter progress;
    private final Duration healTimeout;
    private final Duration poll;
    private final Sleeper sleeper;

    /**
     * @param admin a stub for each call (the caller sets its deadline)
     * @param progress where the lines that say how far it is go
     * @param healTimeout how long to follow one volume's heal before going on to the next
     * @param poll how often to ask how far a heal is
     */
    PeerMover(Supplier<AdminGrpc.AdminBlockingStub> admin, PrintWriter progress, Duration healTimeout, Duration poll,
            Sleeper sleeper) {
        this.admin = admin;
        this.progress = progress;
        this.healTimeout = healTimeout;
        this.poll = poll;
        this.sleeper = sleeper;
    }

    /** The plan only. */
    PlanMovesResponse plan(String peer, Optional<String> to, boolean drain) {
        return admin.get().planMoves(PlanMovesRequest.newBuilder().setPeer(peer).setTo(to.orElse(""))
                .setDrain(drain).build());
    }

    /** Moves every brick off the peer, following each heal; a drain then detaches the peer. */
    Outcome run(String peer, Optional<String> to, boolean drain) throws InterruptedException {
        Map<String, Row> rows = new LinkedHashMap<>();
        Peer about = null;
        for (int round = 1; round <= ROUNDS; round++) {
            PlanMovesResponse plan = plan(peer, to, drain);
            about = plan.getPeer();
            List<Move> todo = new ArrayList<>();
            for (Move move : plan.getMovesList()) {
                Row before = rows.get(move.getVolume());
                if (move.getState() == Move.State.REFUSED) {
                    rows.put(move.getVolume(), new Row(move.getVolume(), move.getKind(), move.getFromBrick(), "",
                            REFUSED, 0, 0, 0, move.getRefusal()));
                } else if (before == null || (!before.done() && move.getState() == Move.State.PENDING)) {
                    todo.add(move);
                }
            }
            if (round == 1) {
                say("peer " + about.getAddress() + " (" + (about.getConnected() ? "connected"
                        : "disconnected" + (about.getDisconnectedSeconds() > 0 ? " for "
                        + about.getDisconnectedSeconds() + " s" : "")) + "): " + count(plan, Move.State.PENDING)
                        + " brick(s) to move, " + count(plan, Move.State.MOVED) + " moved before, "
                        + count(plan, Move.State.REFUSED) + " refused");
                plan.getMovesList().stream().filter(m -> m.getState() == Move.State.REFUSED)
                        .forEach(m -> say("  " + m.getVolume() + " cannot move: " + m.getRefusal()));
            } else if (!todo.isEmpty()) {
                say("planned again: " + todo.size() + " more volume(s) on " + about.getAddress());
            }
            if (todo.isEmpty()) {
                break;
            }
            for (int i = 0; i < todo.size(); i++) {
                Move move = todo.get(i);
                Row row = handle(move, peer, to, drain, "[" + (i + 1) + "/" + todo.size() + "] ");
                rows.put(move.getVolume(), row);
            }
        }
        List<Row> all = new ArrayList<>(rows.values());
        boolean complete = all.stream().allMatch(Row::done);
        boolean detached = false;
        if (drain && complete) {
            detached = admin.get().detachPeer(DetachPeerRequest.newBuilder().setPeer(peer).build()).getDetached();
            say(detached ? "detached " + about.getAddress() + " from the trusted storage pool"
                    : about.getAddress() + " was not in the pool any more");
        } else if (drain) {
            say("not detaching " + about.getAddress() + ": it still holds bricks");
        }
        return new Outcome(about, all, detached, complete);
    }

    private Row handle(Move move, String peer, Optional<String> to, boolean drain, String prefix)
            throws InterruptedException {
        String name = move.getVolume();
        double moveSeconds = 0;
        String result;
        String target = move.getToBrick();
        if (move.getState() == Move.State.MOVED) {
            say(prefix + name + ": moved to " + move.getToPeer() + " by an earlier run; following its heal");
            result = MOVED_BEFORE;
        } else {
            say(prefix + name + " (" + move.getKind() + ", replica " + move.getReplica()
                    + (move.getArbiter() ? " arbiter 1" : "") + "): moving " + move.getFromBrick() + " to "
                    + move.getToPeer());
            MoveBrickResponse moved;
            try {
                moved = moveWhenFree(MoveBrickRequest.newBuilder().setVolume(name).setPeer(peer)
                        .setTo(to.orElse("")).setDrain(drain).build());
            } catch (StatusRuntimeException e) {
                String reason = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
                say(prefix + name + ": failed: " + reason);
                return new Row(name, move.getKind(), move.getFromBrick(), move.getToBrick(), FAILED, 0, 0, 0, reason);
            }
            target = moved.getMove().getToBrick();
            moveSeconds = moved.getSeconds();
            result = moved.getAlreadyMoved() ? MOVED_BEFORE : MOVED;
            say(prefix + name + ": " + (moved.getAlreadyMoved() ? "an earlier run had moved it to " + target
                    : "replaced by " + target + " in " + round(moveSeconds) + " s") + "; healing");
        }
        long start = System.nanoTime();
        long deadline = start + healTimeout.toNanos();
        long lastPending = -1;
        String lastProblem = "";
        while (true) {
            try {
                GetHealResponse heal = admin.get().getHeal(GetHealRequest.newBuilder().setVolume(name).build());
                if (heal.getHealed()) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    say(prefix + name + ": healed in " + round(seconds) + " s");
                    return new Row(name, move.getKind(), move.getFromBrick(), target, result, moveSeconds, seconds, 0,
                            "");
                }
                if (heal.getPending() != lastPending) {
                    lastPending = heal.getPending();
                    say(prefix + name + ": healing, " + heal.getPending() + " entries left"
                            + (heal.getSplitBrain() > 0 ? ", " + heal.getSplitBrain() + " in split-brain" : "")
                            + unconnected(heal));
                }
            } catch (StatusRuntimeException e) {
                String problem = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
                if (!problem.equals(lastProblem)) {
                    say(prefix + name + ": cannot read the heal now: " + problem);
                    lastProblem = problem;
                }
            }
            if (System.nanoTime() > deadline) {
                say(prefix + name + ": still healing after " + healTimeout.toSeconds() + " s; going on (run again"
                        + " to follow it)");
                return new Row(name, move.getKind(), move.getFromBrick(), target, HEAL_UNFINISHED, moveSeconds,
                        (System.nanoTime() - start) / 1e9, Math.max(lastPending, 0), "heal not done within "
                        + healTimeout.toSeconds() + " s");
            }
            sleeper.sleep(poll);
        }
    }

    /** The move, tried again while another call holds the volume (ABORTED). */
    private MoveBrickResponse moveWhenFree(MoveBrickRequest request) throws InterruptedException {
        for (int attempt = 1;; attempt++) {
            try {
                return admin.get().moveBrick(request);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.ABORTED || attempt >= BUSY_TRIES) {
                    throw e;
                }
                sleeper.sleep(Duration.ofSeconds(3));
            }
        }
    }

    private static String unconnected(GetHealResponse heal) {
        List<String> down = heal.getBricksList().stream().filter(b -> !b.getConnected())
                .map(b -> b.getBrick() + " (" + b.getStatus() + ")").toList();
        return down.isEmpty() ? "" : "; not answering: " + String.join(", ", down);
    }

    private static long count(PlanMovesResponse plan, Move.State state) {
        return plan.getMovesList().stream().filter(m -> m.getState() == state).count();
    }

    private void say(String line) {
        progress.println(line);
        progress.flush();
    }

    static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    static String lower(Move.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
