package io.converged.gluster.controller.replace;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.HealSummary;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeStatus;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.placement.Candidate;
import io.converged.gluster.controller.provision.BrickCarver;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeMetadata;
import io.converged.gluster.controller.replace.PoolView.Member;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.runtime.CsiException;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moving bricks off a peer, volume by volume, the way an operator would by hand: carve a new brick
 * on a peer chosen by the placement rules, {@code gluster volume replace-brick VOL OLD NEW commit
 * force}, let self-heal fill it. Every step reads gluster afresh and is safe to repeat: a move that
 * was interrupted is found by the volume's {@link MoveRecord} and finished with the same target; a
 * move that was done answers what it did. The CLI ({@code peer replace}, {@code peer drain}) and the
 * automatic replacement of lost peers both go through here, under the same per-volume locks as the
 * CSI calls.
 */
public final class BrickMoves {
    private static final Logger LOG = Logger.getLogger(BrickMoves.class.getName());

    private final TrustedPool trusted;
    private final BrickCarver carver;
    private final VolumeLocks locks;
    private final Step.Listener listener;
    private final DisconnectTracker tracker;
    private final Consumer<String> detached;
    private final MoveFacts facts;

    /**
     * @param locks the CSI service's per-volume locks: a move and a CSI call never work on one volume
     *     at once (a shared pool's lock is its name)
     * @param tracker remembers since when each peer has been seen disconnected
     * @param detached hears the address of each peer this detaches while it is up (the pool keeper holds it
     *     back)
     */
    public BrickMoves(TrustedPool trusted, BrickCarver carver, VolumeLocks locks, Step.Listener listener,
            DisconnectTracker tracker, Consumer<String> detached) {
        this.trusted = trusted;
        this.carver = carver;
        this.locks = locks;
        this.listener = listener;
        this.tracker = tracker;
        this.detached = detached;
        this.facts = new MoveFacts(trusted);
    }

    /** A member of the pool as the admin API shows it. */
    public record PeerState(String address, String uuid, boolean connected, Optional<Peer> discovered, long bricks,
            Duration disconnectedFor) {
    }

    /** The moves that would take every brick off a peer. */
    public record Plan(PeerState peer, List<Move> moves) {
        public Plan {
            moves = List.copyOf(moves);
        }
    }

    /** What one {@link #move} did. */
    public record MoveResult(Move move, boolean alreadyMoved, Duration took) {
    }

    /** Every member of the pool now, with its bricks and how long it has been disconnected. */
    public List<PeerState> peers() throws CsiException {
        PoolView view = look();
        return view.members().stream().map(m -> state(view, m)).toList();
    }

    /** The peers the controller discovers now (for checks that ask each of them, such as UUID clashes). */
    public List<Peer> discovered() throws CsiException {
        return trusted.peers();
    }

    /**
     * Where each brick on the peer would go, or why it cannot; with the volumes whose brick an
     * earlier call moved off it. Changes nothing.
     *
     * @param to the peer the operator wants the bricks on; empty to let the rules choose
     */
    public Plan plan(String peer, Optional<String> to, MoveMode mode) throws CsiException {
        PoolView view = look();
        Member old = view.member(peer);
        Optional<String> wanted = wanted(view, to);
        Map<String, VolumeStatus> statuses = facts.statuses(view);
        Map<String, List<Candidate>> candidates = new HashMap<>();
        List<Move> moves = new ArrayList<>();
        for (VolumeInfo info : view.volumes().stream().sorted(Comparator.comparing(VolumeInfo::name)).toList()) {
            List<Brick> on = info.bricks().stream().filter(old::holds).toList();
            if (on.isEmpty()) {
                MoveFacts.moved(info, old).ifPresent(moves::add);
                continue;
            }
            if (on.size() > 1) {
                moves.add(MoveFacts.refused(info, on.get(0), Status.Code.FAILED_PRECONDITION, "volume " + info.name()
                        + " has " + on.size() + " bricks on peer " + old.address() + "; move them by hand"));
                continue;
            }
            Brick brick = on.get(0);
            MovePolicy.Decision decision = facts.decide(view, info, brick, old, statuses, candidates, wanted, mode);
            if (decision instanceof MovePolicy.Refuse refuse) {
                moves.add(MoveFacts.refused(info, brick, refuse.code(), refuse.reason()));
            } else {
                Peer target = peerNamed(view, ((MovePolicy.Go) decision).target().peer());
                moves.add(new Move(info.name(), MovePolicy.kind(info), Move.State.PENDING, brick.name(),
                        target.address(), newBrick(info, target), "", Status.Code.OK, info.replicaCount(),
                        info.arbiterCount() > 0));
            }
        }
        return new Plan(state(view, old), moves);
    }

    /**
     * Moves the volume's brick off the peer: records the move, carves the new brick, replaces the
     * old one and starts the heal. A volume whose brick an earlier call moved answers that move.
     *
     * @throws CsiException ABORTED while another call works on the volume; FAILED_PRECONDITION or
     *     RESOURCE_EXHAUSTED when the move is refused (the message says why); NOT_FOUND for a volume or
     *     peer gluster does not have
     */
    public MoveResult move(String volume, String peer, Optional<String> to, MoveMode mode) throws CsiException {
        long start = System.nanoTime();
        try (VolumeLocks.Held held = locks.acquire(volume)) {
            PoolView view = look();
            Member old = view.member(peer);
            VolumeInfo info = view.volume(volume).orElseThrow(() -> CsiException.notFound("volume " + volume
                    + " does not exist"));
            List<Brick> on = info.bricks().stream().filter(old::holds).toList();
            if (on.isEmpty()) {
                Move done = MoveFacts.moved(info, old).orElseThrow(() -> CsiException.failedPrecondition("volume "
                        + volume + " has no brick on peer " + old.address()));
                return new MoveResult(done, true, since(start));
            }
            if (on.size() > 1) {
                throw CsiException.failedPrecondition("volume " + volume + " has " + on.size() + " bricks on peer "
                        + old.address() + "; move them by hand");
            }
            Brick brick = on.get(0);
            Optional<MoveRecord> record = MoveRecord.of(info.options())
                    .filter(r -> r.fromBrick().equals(brick.name()));
            Map<String, VolumeStatus> statuses = facts.statuses(view, volume);
            Map<String, List<Candidate>> candidates = new HashMap<>();
            Optional<String> wanted = wanted(view, to);
            MovePolicy.Decision decision = null;
            if (wanted.isEmpty() && record.isPresent()) {
                // An interrupted move of this brick: the same target if it still qualifies (its carve is there).
                Optional<String> recorded = view.discovered().stream()
                        .filter(p -> p.address().equals(MoveRecord.host(record.get().toBrick())))
                        .map(Peer::name).findFirst();
                if (recorded.isPresent()) {
                    decision = facts.decide(view, info, brick, old, statuses, candidates, recorded, mode);
                }
            }
            if (!(decision instanceof MovePolicy.Go)) {
                decision = facts.decide(view, info, brick, old, statuses, candidates, wanted, mode);
            }
            if (decision instanceof MovePolicy.Refuse refuse) {
                throw new CsiException(refuse.code(), refuse.reason());
            }
            Peer target = peerNamed(view, ((MovePolicy.Go) decision).target().peer());
            String newBrick = newBrick(info, target);
            GlusterCli cli = view.cliAvoiding(old);
            Move move = new Move(volume, MovePolicy.kind(info), Move.State.MOVED, brick.name(), target.address(),
                    newBrick, "", Status.Code.OK, info.replicaCount(), info.arbiterCount() > 0);
            LOG.info("moving the brick " + brick.name() + " of volume " + volume + " to " + newBrick + " ("
                    + mode.name().toLowerCase(java.util.Locale.ROOT) + ")");
            try {
                MoveRecord note = new MoveRecord(brick.name(), newBrick);
                if (record.isEmpty() || !record.get().equals(note)) {
                    cli.setOptions(volume, Map.of(MoveRecord.KEY, note.value()));
                }
                listener.completed(Step.MOVE_RECORDED, volume);
                carve(target, info);
                sweep(view, info, target);
                listener.completed(Step.MOVE_CARVED, volume);
                replace(cli, volume, brick.name(), newBrick);
                listener.completed(Step.BRICK_REPLACED, volume);
            } catch (Exception e) {
                throw CsiException.during("moving the brick " + brick.name() + " of volume " + volume + " to "
                        + target.address(), e);
            }
            retire(old, brick, volume);
            try {
                cli.healIndex(volume);
            } catch (GlusterException e) {
                // The self-heal daemons crawl the new brick's index on their own; asking is only sooner.
                LOG.fine("volume heal " + volume + ": " + e.getMessage());
            }
            Duration took = since(start);
            LOG.info("moved the brick " + brick.name() + " of volume " + volume + " to " + newBrick + " in "
                    + took.toMillis() + " ms; self-heal fills it from the other replicas");
            return new MoveResult(move, false, took);
        }
    }

    /** The volume's heal summary now. */
    public HealSummary heal(String volume) throws CsiException {
        List<Peer> peers = trusted.peers();
        Peer answering = trusted.ask(peers, GlusterCli::poolList).peer();
        try {
            return answering.gluster().healSummary(volume);
        } catch (GlusterException e) {
            throw CsiException.during("reading the heal of volume " + volume, e);
        }
    }

    /**
     * Detaches a peer that holds no brick from the pool.
     *
     * @return false when the peer is not in the pool
     */
    public boolean detach(String peer) throws CsiException {
        PoolView view = look();
        Optional<Member> member = view.members().stream().filter(m -> m.answersTo(peer)).findFirst();
        if (member.isEmpty()) {
            return false;
        }
        Member m = member.get();
        List<String> holding = view.volumes().stream().filter(v -> v.bricks().stream().anyMatch(m::holds))
                .map(VolumeInfo::name).toList();
        if (!holding.isEmpty()) {
            throw CsiException.failedPrecondition("peer " + m.address() + " still holds bricks of " + holding
                    + "; move them first (gluster-csi-ctl peer replace or peer drain)");
        }
        if (m.answersTo(view.answering().address()) && view.members().stream()
                .noneMatch(o -> o != m && o.connected() && o.peer().isPresent())) {
            throw CsiException.failedPrecondition("no other peer of the pool answers, so none can detach "
                    + m.address());
        }
        try {
            view.cliAvoiding(m).peerDetach(m.address());
        } catch (GlusterException e) {
            throw CsiException.during("detaching peer " + m.address(), e);
        }
        LOG.info("detached peer " + m.address() + " (" + m.uuid() + ") from the trusted storage pool");
        if (m.connected()) {
            // A drained peer is still up and would be probed straight back; a lost one is gone, and
            // whatever answers at its address later is a new node to probe in.
            m.hostnames().forEach(detached);
        }
        return true;
    }

    // ---------------------------------------------------------------- the steps of a move

    /**
     * Carves the new brick. A volume directory already there whose brick is unused (an interrupted or
     * failed move's carve: empty, or holding only the empty {@code .glusterfs} that gluster's check of a
     * new brick leaves even when {@code replace-brick} then fails) is removed and carved afresh, so no mark
     * that check left stays on it. One with data is an old brick of this volume from a time the peer held
     * one, and is moved aside first (never deleted), so the new brick starts empty.
     */
    private void carve(Peer target, VolumeInfo info) throws CommandException {
        String volume = info.name();
        String root = target.pathOnPeer(VolumeMetadata.brickRoot(info.options()));
        if (!carver.carve(target.runner(), root, volume, VolumeMetadata.gid(info.options()))) {
            return;
        }
        if (carver.removeIfUnused(target.runner(), root, volume)) {
            LOG.info("removed an unused brick of " + volume + " that an earlier move carved on " + target.name()
                    + "; carving it afresh");
        } else {
            String aside = carver.archive(target.runner(), BrickCarver.brickDir(root, volume), volume);
            LOG.warning("peer " + target.name() + " held an old brick directory of volume " + volume
                    + " that is not part of it now; moved it aside to " + aside + " and carved a new one");
        }
        carver.carve(target.runner(), root, volume, VolumeMetadata.gid(info.options()));
    }

    /**
     * Removes empty carves of the volume that an interrupted move left on other peers (the target
     * changed since), as a retried CreateVolume does. A brick with anything in it is never touched.
     */
    private void sweep(PoolView view, VolumeInfo info, Peer target) {
        String root = VolumeMetadata.brickRoot(info.options());
        for (Member m : view.members()) {
            if (!m.connected() || m.peer().isEmpty() || m.peer().get().equals(target)
                    || info.bricks().stream().anyMatch(m::holds)) {
                continue;
            }
            Peer other = m.peer().get();
            try {
                if (carver.removeIfUnused(other.runner(), other.pathOnPeer(root), info.name())) {
                    LOG.info("removed an unused brick of " + info.name() + " that an interrupted move carved on "
                            + other.name());
                }
            } catch (CommandException | RuntimeException e) {
                LOG.fine("cannot look for an unused brick of " + info.name() + " on " + other.name() + ": "
                        + e.getMessage());
            }
        }
    }

    /** {@code replace-brick}; a refusal after which gluster shows the new brick in place of the old is success. */
    private void replace(GlusterCli cli, String volume, String oldBrick, String newBrick) throws CsiException {
        try {
            cli.replaceBrick(volume, oldBrick, newBrick);
        } catch (GlusterException e) {
            Optional<VolumeInfo> now = trusted.volume(trusted.peers(), volume).value();
            boolean done = now.isPresent() && now.get().bricks().stream().anyMatch(b -> b.name().equals(newBrick))
                    && now.get().bricks().stream().noneMatch(b -> b.name().equals(oldBrick));
            if (!done) {
                throw e;
            }
            LOG.info("replace-brick of " + volume + " answered '" + e.getMessage() + "', but the volume already has "
                    + newBrick + " in place of " + oldBrick);
        }
    }

    /**
     * The old brick of a peer that is still up is moved aside on that peer (kept, never deleted): the
     * path is free again should the volume come back to the peer, and the data stays until the peer
     * is wiped.
     */
    private void retire(Member old, Brick brick, String volume) {
        if (!old.connected() || old.peer().isEmpty()) {
            return;
        }
        try {
            String aside = carver.archive(old.peer().get().runner(), brick.path(), volume);
            LOG.info("moved the old brick " + brick.name() + " aside on its peer, to " + aside);
        } catch (CommandException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot move the old brick " + brick.name() + " aside on its peer: "
                    + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- reading the pool

    private PoolView look() throws CsiException {
        PoolView view = PoolView.read(trusted);
        tracker.saw(view.members());
        return view;
    }

    private PeerState state(PoolView view, Member m) {
        return new PeerState(m.address(), m.uuid(), m.connected(), m.peer(), view.bricksOn(m),
                tracker.disconnectedFor(m.uuid()));
    }

    /** The discovered peer an operator's name for the target means. */
    private static Optional<String> wanted(PoolView view, Optional<String> to) throws CsiException {
        if (to.isEmpty()) {
            return Optional.empty();
        }
        Optional<Peer> discovered = view.discovered().stream()
                .filter(p -> p.name().equals(to.get()) || p.address().equals(to.get())).findFirst();
        Member member = view.member(to.get());
        if (member.peer().isEmpty() && discovered.isEmpty()) {
            throw CsiException.failedPrecondition("peer " + to.get() + " is in the pool but the controller does not"
                    + " discover it (no peer pod, or not in the peers file), so it cannot carve a brick there");
        }
        return Optional.of(member.peer().or(() -> discovered).get().name());
    }

    private static Peer peerNamed(PoolView view, String name) {
        return view.discovered().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("placement chose " + name + ", which is not discovered"));
    }

    private static String newBrick(VolumeInfo info, Peer target) {
        return target.brick(BrickCarver.brickDir(VolumeMetadata.brickRoot(info.options()), info.name()));
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
