package io.converged.gluster.controller.replace;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The trusted storage pool as gluster describes it at one moment: its members (from {@code pool
 * list}, each matched to the peer the controller discovered at that address, if any), every volume,
 * and the peer whose glusterd answered.
 *
 * @param answering the discovered peer whose glusterd gave these answers
 */
record PoolView(List<Member> members, List<Peer> discovered, List<VolumeInfo> volumes, Peer answering) {

    PoolView {
        members = List.copyOf(members);
        discovered = List.copyOf(discovered);
        volumes = List.copyOf(volumes);
    }

    /**
     * One member of the pool.
     *
     * @param address the address gluster knows it by (the answering peer's own, for itself)
     * @param peer the discovered peer at that address; empty when discovery does not list it
     */
    record Member(String address, List<String> hostnames, String uuid, boolean connected, Optional<Peer> peer) {

        Member {
            hostnames = List.copyOf(hostnames);
        }

        /** Whether the brick lies on this member (by its UUID, or by a name gluster knows it by). */
        boolean holds(Brick brick) {
            return (!uuid.isEmpty() && uuid.equalsIgnoreCase(brick.hostUuid())) || hostnames.contains(brick.host());
        }

        /** Whether an operator's name for a peer means this member: an address, its UUID, or its discovered name. */
        boolean answersTo(String name) {
            return address.equals(name) || hostnames.contains(name) || uuid.equalsIgnoreCase(name)
                    || peer.map(p -> p.name().equals(name)).orElse(false);
        }
    }

    /**
     * The pool now: {@code pool list} and {@code volume info} from the discovered peer whose pool
     * holds the most connected members. A peer that was just probed in, or one a restarted
     * controller has not yet held back, answers as a pool of one; it must not speak for the pool.
     */
    static PoolView read(TrustedPool trusted) throws CsiException {
        List<Peer> discovered = trusted.peers();
        Peer answering = null;
        List<PoolPeer> best = List.of();
        for (Peer peer : discovered) {
            try {
                List<PoolPeer> list = peer.gluster().poolList();
                if (answering == null || connected(list) > connected(best)) {
                    answering = peer;
                    best = list;
                }
            } catch (GlusterException e) {
                if (!e.is(GlusterException.Kind.GLUSTERD_UNREACHABLE)) {
                    throw CsiException.during("asking gluster on " + peer.name(), e);
                }
            }
        }
        if (answering == null) {
            throw CsiException.unavailable("no gluster peer answers (" + discovered.size() + " discovered)");
        }
        List<Member> members = new ArrayList<>();
        for (PoolPeer p : best) {
            List<String> names = new ArrayList<>();
            String address;
            if (p.self()) {
                address = answering.address();
                names.add(address);
            } else {
                address = p.hostname();
                names.addAll(p.hostnames());
            }
            Optional<Peer> peer = discovered.stream().filter(d -> names.contains(d.address())).findFirst();
            members.add(new Member(address, names, p.uuid().toLowerCase(Locale.ROOT), p.connected() || p.self(),
                    peer));
        }
        List<VolumeInfo> volumes = trusted.ask(List.of(answering), GlusterCli::volumeInfoAll).value();
        return new PoolView(members, discovered, volumes, answering);
    }

    private static long connected(List<PoolPeer> pool) {
        return pool.stream().filter(p -> p.connected() || p.self()).count();
    }

    /** The member an operator's name means; NOT_FOUND when none. */
    Member member(String name) throws CsiException {
        return members.stream().filter(m -> m.answersTo(name)).findFirst().orElseThrow(() -> CsiException.notFound(
                "no peer " + name + " in the trusted storage pool (peers: " + members.stream().map(Member::address)
                        .toList() + ")"));
    }

    /** The member at the brick's host. */
    Optional<Member> memberOf(Brick brick) {
        return members.stream().filter(m -> m.holds(brick)).findFirst();
    }

    /** The bricks on the member, over every volume. */
    long bricksOn(Member member) {
        return volumes.stream().flatMap(v -> v.bricks().stream()).filter(member::holds).count();
    }

    /** The volume by name, if gluster has it. */
    Optional<VolumeInfo> volume(String name) {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /**
     * A gluster CLI on a connected, discovered peer other than the one named (which may be on its way
     * out of the pool); the answering peer's when it is not that one.
     */
    GlusterCli cliAvoiding(Member avoided) {
        if (!avoided.answersTo(answering.address())) {
            return answering.gluster();
        }
        return members.stream().filter(m -> m.connected() && m.peer().isPresent() && m != avoided)
                .map(m -> m.peer().get().gluster()).findFirst().orElse(answering.gluster());
    }
}
