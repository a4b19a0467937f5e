package io.converged.gluster.controller.replace;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.placement.Candidate;
import io.converged.gluster.controller.placement.PlacementException;
import io.converged.gluster.controller.placement.Replacement;
import io.converged.gluster.controller.provision.VolumeMetadata;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a volume's brick may leave a peer now, and for which peer: the rules of a move, pure.
 *
 * <ul>
 *   <li>Only the driver's volumes (dedicated or shared pools) are moved, one brick per volume.
 *   <li>A replace ({@link MoveMode#REPLACE}) is for a brick that is gone: its brick must be offline, and
 *       another brick holding data (not an arbiter) must be online to heal from.
 *   <li>A drain ({@link MoveMode#DRAIN}) takes a brick off a peer that is up: every other brick must be
 *       online, so the copies never drop below what they were.
 *   <li>The automatic replacement ({@link MoveMode#AUTO}) moves only an offline brick, and only while every
 *       other brick of the volume is online: never while another peer of the volume is also down.
 *   <li>The new peer follows {@link Replacement}: distinct peers and nodes; a zone no replica is in
 *       whenever the pool has a peer there that qualifies, and always when the class asked for it.
 * </ul>
 */
final class MovePolicy {

    /** The outcome: go to a peer, or stay with a reason. */
    sealed interface Decision permits Go, Refuse {
    }

    record Go(Candidate target) implements Decision {
    }

    record Refuse(Status.Code code, String reason) implements Decision {
    }

    /**
     * What is known about the volume and the pool.
     *
     * @param online the volume's bricks that are online now, as {@code host:path}
     * @param candidates the discovered peers as placement sees them
     * @param byAddress the candidate at each address gluster knows a discovered peer by
     * @param leaving the candidate name of the peer the brick leaves (its address when not discovered)
     * @param wanted the candidate the operator named as target, if any
     * @param bytesNeeded room the new brick needs
     */
    record Facts(VolumeInfo info, Brick brick, Set<String> online, List<Candidate> candidates,
            Map<String, Candidate> byAddress, String leaving, Optional<String> wanted, MoveMode mode,
            long bytesNeeded) {
    }

    private MovePolicy() {
    }

    /** Whose the volume is. */
    static Move.Kind kind(VolumeInfo info) {
        if (VolumeMetadata.pool(info.options())) {
            return Move.Kind.POOL;
        }
        return VolumeMetadata.dedicated(info.options()) ? Move.Kind.DEDICATED : Move.Kind.FOREIGN;
    }

    static Decision decide(Facts facts) {
        VolumeInfo info = facts.info();
        String name = info.name();
        if (kind(info) == Move.Kind.FOREIGN) {
            return new Refuse(Status.Code.FAILED_PRECONDITION, "volume " + name + " was not made by this driver;"
                    + " move its brick by hand (gluster volume replace-brick)");
        }
        if (!info.started()) {
            return new Refuse(Status.Code.FAILED_PRECONDITION, "volume " + name + " is " + info.status()
                    + ": self-heal runs only on a started volume; start it first");
        }
        List<Brick> others = info.bricks().stream().filter(b -> !b.name().equals(facts.brick().name())).toList();
        boolean brickOnline = facts.online().contains(facts.brick().name());
        List<Brick> othersOffline = others.stream().filter(b -> !facts.online().contains(b.name())).toList();
        List<Brick> sources = others.stream().filter(b -> !b.arbiter() && facts.online().contains(b.name()))
                .toList();
        switch (facts.mode()) {
            case REPLACE -> {
                if (brickOnline) {
                    return new Refuse(Status.Code.FAILED_PRECONDITION, "the brick " + facts.brick().name()
                            + " of volume " + name + " is online: its peer is not lost; to take the bricks off a"
                            + " peer that is up, drain it (gluster-csi-ctl peer drain)");
                }
                if (sources.isEmpty()) {
                    return new Refuse(Status.Code.FAILED_PRECONDITION, "no other brick of volume " + name
                            + " that holds its data is online (" + names(others) + "), so a new brick could not"
                            + " be healed; bring one of their peers back first");
                }
            }
            case DRAIN, AUTO -> {
                if (facts.mode() == MoveMode.AUTO && brickOnline) {
                    return new Refuse(Status.Code.FAILED_PRECONDITION, "the brick " + facts.brick().name()
                            + " of volume " + name + " is online");
                }
                if (!othersOffline.isEmpty()) {
                    return new Refuse(Status.Code.FAILED_PRECONDITION, "brick(s) " + names(othersOffline)
                            + " of volume " + name + " are offline too; moving " + facts.brick().name()
                            + " now would leave fewer copies of its data than it has: wait until they are back"
                            + (facts.mode() == MoveMode.DRAIN ? " (or replace their peer first)" : ""));
                }
                if (sources.isEmpty()) {
                    return new Refuse(Status.Code.FAILED_PRECONDITION, "no other brick of volume " + name
                            + " holds its data");
                }
            }
            default -> throw new IllegalStateException("unknown mode " + facts.mode());
        }
        List<Candidate> staying = others.stream().map(b -> facts.byAddress().getOrDefault(b.host(),
                new Candidate(b.host(), "", b.host(), 0, false))).toList();
        try {
            return new Go(Replacement.choose(facts.candidates(), staying, facts.leaving(), facts.bytesNeeded(),
                    VolumeMetadata.spreadsOverZones(info.options()), facts.wanted()));
        } catch (PlacementException e) {
            return new Refuse(facts.wanted().isPresent() ? Status.Code.FAILED_PRECONDITION
                    : Status.Code.RESOURCE_EXHAUSTED, "volume " + name + ": " + e.getMessage());
        }
    }

    private static String names(List<Brick> bricks) {
        return String.join(", ", bricks.stream().map(Brick::name).toList());
    }
}
