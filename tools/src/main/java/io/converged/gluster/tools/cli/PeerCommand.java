package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.admin.v1.AdminGrpc;
import io.converged.gluster.csi.admin.v1.DetachPeerRequest;
import io.converged.gluster.csi.admin.v1.Move;
import io.converged.gluster.csi.admin.v1.PlanMovesResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gluster-csi-ctl peer replace|drain|detach}: taking the bricks off a storage peer through
 * the controller's admin API ({@link PeerMover} does the work). Progress goes to stderr, the summary
 * (a table, or {@code -o json}) to stdout; exit 0 only when every brick moved and healed.
 */
@Command(name = "peer", description = "Take a storage peer's bricks off it: replace a lost peer, drain one that is"
        + " up, detach an empty one.")
final class PeerCommand {
    @ParentCommand
    private Ctl ctl;

    @Command(name = "replace", description = "Move every brick of a lost peer (dedicated volumes and shared pools)"
            + " to other peers chosen by the placement rules, one volume at a time, following each heal to the end."
            + " Run it again after an interruption: it finishes the job.")
    int replace(@Parameters(paramLabel = "OLD", description = "the lost peer: its address, name or UUID") String old,
            @Option(names = "--to", paramLabel = "NEW", description = "put every brick on this peer") String to,
            @Option(names = "--dry-run", description = "show the plan and change nothing") boolean dryRun,
            @Option(names = "--heal-timeout", paramLabel = "SECONDS", defaultValue = "3600",
                    description = "follow one volume's heal this long at most (default: ${DEFAULT-VALUE})")
            long healTimeout) throws InterruptedException {
        return move(old, to, false, dryRun, healTimeout);
    }

    @Command(name = "drain", description = "Move every brick off a peer that is still up (its planned removal):"
            + " the data is copied by self-heal from the other replicas while writes go on; then detach it from the"
            + " trusted storage pool. Afterwards remove it from discovery (unlabel its node); until then the"
            + " controller holds it back (no probe, no bricks).")
    int drain(@Parameters(paramLabel = "OLD", description = "the peer: its address, name or UUID") String old,
            @Option(names = "--to", paramLabel = "NEW", description = "put every brick on this peer") String to,
            @Option(names = "--dry-run", description = "show the plan and change nothing") boolean dryRun,
            @Option(names = "--heal-timeout", paramLabel = "SECONDS", defaultValue = "3600",
                    description = "follow one volume's heal this long at most (default: ${DEFAULT-VALUE})")
            long healTimeout) throws InterruptedException {
        return move(old, to, true, dryRun, healTimeout);
    }

    @Command(name = "detach", description = "Detach a peer that holds no brick from the trusted storage pool.")
    int detach(@Parameters(paramLabel = "PEER", description = "its address, name or UUID") String peer) {
        boolean detached = ctl.onController(c -> admin(c).detachPeer(DetachPeerRequest.newBuilder().setPeer(peer)
                .build()).getDetached());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("peer", peer);
        row.put("detached", detached);
        row.put("note", detached ? "" : "not in the pool");
        ctl.printer().printOne(row);
        return 0;
    }

    private int move(String old, String to, boolean drain, boolean dryRun, long healTimeout)
            throws InterruptedException {
        if (healTimeout < 1) {
            throw ctl.usage("--heal-timeout must be at least 1 second");
        }
        Optional<String> target = Optional.ofNullable(to);
        if (dryRun) {
            PlanMovesResponse plan = ctl.onController(c -> mover(c, healTimeout).plan(old, target, drain));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Move m : plan.getMovesList()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("volume", m.getVolume());
                row.put("kind", m.getKind());
                row.put("state", PeerMover.lower(m.getState()));
                row.put("from", m.getFromBrick());
                row.put("to", m.getToBrick());
                row.put("reason", m.getRefusal());
                rows.add(row);
            }
            Map<String, Object> whole = new LinkedHashMap<>();
            whole.put("peer", plan.getPeer().getAddress());
            whole.put("moves", rows);
            ctl.printer().print(whole, rows);
            return plan.getMovesList().stream().anyMatch(m -> m.getState() == Move.State.REFUSED) ? 1 : 0;
        }
        PeerMover.Outcome outcome = ctl.onController(c -> {
            try {
                return mover(c, healTimeout).run(old, target, drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        List<Map<String, Object>> rows = outcome.rows().stream().map(PeerMover.Row::columns).toList();
        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("peer", outcome.peer().getAddress());
        whole.put("uuid", outcome.peer().getUuid());
        whole.put("moves", rows);
        whole.put("complete", outcome.complete());
        if (drain) {
            whole.put("detached", outcome.detached());
        }
        ctl.printer().print(whole, rows);
        return outcome.complete() && (!drain || outcome.detached()) ? 0 : 1;
    }

    private PeerMover mover(Target.Connection c, long healTimeout) {
        return new PeerMover(() -> admin(c), ctl.progress(), Duration.ofSeconds(healTimeout), Duration.ofSeconds(2),
                d -> Thread.sleep(d.toMillis()));
    }

    static AdminGrpc.AdminBlockingStub admin(Target.Connection c) {
        return AdminGrpc.newBlockingStub(c.channel()).withDeadlineAfter(10, TimeUnit.MINUTES);
    }
}
