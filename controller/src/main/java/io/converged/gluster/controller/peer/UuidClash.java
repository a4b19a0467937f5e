package io.converged.gluster.controller.peer;

import io.converged.gluster.controller.gluster.PoolPeer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Peers that answer with the same UUID: one node was cloned from another's disk image (glusterd's
 * identity, {@code glusterd.info}, came along). Gluster takes them for one peer: probing the clone
 * answers "already in peer list" and it never joins. The cure is {@code gluster system:: uuid reset}
 * on the one that holds no bricks, before it is probed.
 *
 * @param keeper the address that keeps the UUID: the one in the pool, or else the first discovered
 * @param clones the other addresses with that UUID
 */
public record UuidClash(String uuid, String keeper, List<String> clones) {

    public UuidClash {
        clones = List.copyOf(clones);
    }

    /** Every address with the UUID, the keeper first. */
    public List<String> addresses() {
        List<String> all = new ArrayList<>(List.of(keeper));
        all.addAll(clones);
        return all;
    }

    /** What an operator does about it, in words. */
    public String fix() {
        return "peers " + String.join(" and ", addresses()) + " share the UUID " + uuid + " (a node cloned from"
                + " another's disk image); on " + String.join(", ", clones) + ", the one that holds no bricks, run"
                + " 'gluster system:: uuid reset' (if gluster says the pool is already formed there, stop glusterd,"
                + " remove /var/lib/glusterd/glusterd.info and /var/lib/glusterd/peers/*, and start it again);"
                + " the controller then probes it in. --reset-cloned-peer-uuids makes the controller reset a"
                + " clone that holds no bricks and knows no peers itself";
    }

    /**
     * The clashes among the discovered peers that answered, from each one's own {@code pool list}.
     *
     * @param pools each answering discovered peer's pool list, in discovery order
     * @param inPool whether a discovered peer is already a member of the pool being formed
     */
    public static List<UuidClash> find(Map<Peer, List<PoolPeer>> pools, java.util.function.Predicate<Peer> inPool) {
        Map<String, List<Peer>> byUuid = new LinkedHashMap<>();
        for (Map.Entry<Peer, List<PoolPeer>> entry : pools.entrySet()) {
            selfUuid(entry.getValue()).ifPresent(uuid -> byUuid.computeIfAbsent(uuid, u -> new ArrayList<>())
                    .add(entry.getKey()));
        }
        List<UuidClash> clashes = new ArrayList<>();
        byUuid.forEach((uuid, peers) -> {
            if (peers.size() > 1) {
                Peer keeper = peers.stream().filter(inPool).findFirst().orElse(peers.get(0));
                clashes.add(new UuidClash(uuid, keeper.address(), peers.stream().filter(p -> p != keeper)
                        .map(Peer::address).toList()));
            }
        });
        return clashes;
    }

    /** The UUID a peer's own {@code pool list} gives it (the self entry). */
    public static Optional<String> selfUuid(List<PoolPeer> pool) {
        return pool.stream().filter(PoolPeer::self).map(p -> p.uuid().toLowerCase(Locale.ROOT))
                .filter(u -> !u.isEmpty()).findFirst();
    }
}
