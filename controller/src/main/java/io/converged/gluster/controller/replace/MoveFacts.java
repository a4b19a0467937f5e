package io.converged.gluster.controller.replace;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeStatus;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.placement.Candidate;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeMetadata;
import io.converged.gluster.controller.replace.PoolView.Member;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The facts a brick move is decided on, gathered from the pool: which bricks are online, where
 * placement would put the brick, how much room a shared pool's brick needs; then {@link MovePolicy}
 * decides.
 */
final class MoveFacts {
    private static final Logger LOG = Logger.getLogger(MoveFacts.class.getName());
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

    private final TrustedPool trusted;

    MoveFacts(TrustedPool trusted) {
        this.trusted = trusted;
    }

    MovePolicy.Decision decide(PoolView view, VolumeInfo info, Brick brick, Member old,
            Map<String, VolumeStatus> statuses, Map<String, List<Candidate>> candidates, Optional<String> wanted,
            MoveMode mode) throws CsiException {
        String leaving = old.peer().map(Peer::name).orElse(old.address());
        if (MovePolicy.kind(info) == Move.Kind.FOREIGN || !info.started()) {
            return MovePolicy.decide(new MovePolicy.Facts(info, brick, Set.of(), List.of(), Map.of(), leaving, wanted,
                    mode, 0));
        }
        String root = VolumeMetadata.brickRoot(info.options());
        List<Candidate> known = candidates.get(root);
        if (known == null) {
            // The peer that spoke for the pool first: placement asks its pool list who is connected.
            List<Peer> answeringFirst = new ArrayList<>(List.of(view.answering()));
            view.discovered().stream().filter(p -> !p.equals(view.answering())).forEach(answeringFirst::add);
            known = trusted.candidates(answeringFirst, root);
            candidates.put(root, known);
        }
        Map<String, Candidate> byAddress = new HashMap<>();
        for (Peer p : view.discovered()) {
            known.stream().filter(c -> c.peer().equals(p.name())).findFirst().ifPresent(c -> byAddress.put(p.address(),
                    c));
        }
        Set<String> online = new HashSet<>();
        VolumeStatus status = statuses.get(info.name());
        if (status != null) {
            info.bricks().stream().filter(status::online).map(Brick::name).forEach(online::add);
        }
        long bytes = MovePolicy.kind(info) == Move.Kind.POOL ? usedBytes(view, info, online, brick)
                : VolumeMetadata.capacity(info.options());
        return MovePolicy.decide(new MovePolicy.Facts(info, brick, online, known, byAddress, leaving, wanted, mode,
                bytes));
    }

    /**
     * A shared pool's brick needs the room its data takes: measured with {@code du} on a brick that
     * holds data and is online (0, with a warning, when none can be measured).
     */
    private static long usedBytes(PoolView view, VolumeInfo info, Set<String> online, Brick leaving) {
        for (Brick b : info.bricks()) {
            if (b.arbiter() || b.name().equals(leaving.name()) || !online.contains(b.name())) {
                continue;
            }
            Optional<Peer> peer = view.memberOf(b).flatMap(Member::peer);
            if (peer.isEmpty()) {
                continue;
            }
            try {
                CommandResult du = peer.get().runner().run(List.of("du", "-s", "-x", "-B1", "--", b.path()),
                        COMMAND_TIMEOUT);
                if (du.succeeded()) {
                    return Long.parseLong(du.stdout().strip().split("\\s+")[0]);
                }
            } catch (CommandException | NumberFormatException e) {
                LOG.fine("cannot measure " + b.name() + ": " + e.getMessage());
            }
        }
        LOG.warning("cannot measure the data of shared pool " + info.name() + "; placing its brick without a size");
        return 0;
    }

    /** Volume status of every started volume, by name (one call). */
    Map<String, VolumeStatus> statuses(PoolView view) throws CsiException {
        Map<String, VolumeStatus> statuses = new HashMap<>();
        if (view.volumes().stream().anyMatch(VolumeInfo::started)) {
            trusted.onAnyPeer(List.of(view.answering()), GlusterCli::volumeStatusAll)
                    .forEach(s -> statuses.put(s.name(), s));
        }
        return statuses;
    }

    Map<String, VolumeStatus> statuses(PoolView view, String volume) throws CsiException {
        Map<String, VolumeStatus> statuses = new HashMap<>();
        if (view.volume(volume).map(VolumeInfo::started).orElse(false)) {
            statuses.put(volume, trusted.onAnyPeer(List.of(view.answering()), cli -> cli.volumeStatus(volume)));
        }
        return statuses;
    }

    /** The brick an earlier move took off the peer, as the volume records it, when the volume now has the new one. */
    static Optional<Move> moved(VolumeInfo info, Member old) {
        Optional<MoveRecord> record = MoveRecord.of(info.options());
        if (record.isEmpty() || !old.hostnames().contains(MoveRecord.host(record.get().fromBrick()))) {
            return Optional.empty();
        }
        boolean hasNew = info.bricks().stream().anyMatch(b -> b.name().equals(record.get().toBrick()));
        boolean hasOld = info.bricks().stream().anyMatch(b -> b.name().equals(record.get().fromBrick()));
        if (!hasNew || hasOld) {
            return Optional.empty();
        }
        return Optional.of(new Move(info.name(), MovePolicy.kind(info), Move.State.MOVED, record.get().fromBrick(),
                MoveRecord.host(record.get().toBrick()), record.get().toBrick(), "", Status.Code.OK,
                info.replicaCount(), info.arbiterCount() > 0));
    }

    /** A move the policy refused, with its code and reason. */
    static Move refused(VolumeInfo info, Brick brick, Status.Code code, String reason) {
        return new Move(info.name(), MovePolicy.kind(info), Move.State.REFUSED, brick.name(), "", "", reason, code,
                info.replicaCount(), info.arbiterCount() > 0);
    }
}
