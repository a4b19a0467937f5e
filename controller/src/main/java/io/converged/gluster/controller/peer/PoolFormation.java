package io.converged.gluster.controller.peer;

import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.PoolPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Forms the trusted storage pool the way an operator would by hand: peers that were discovered
 * but are not in {@code gluster pool list} are probed in from a peer that is (the anchor: the
 * answering peer whose pool already holds the most discovered peers). Peers that are in the pool
 * but disconnected are reported, never detached: a peer that is down for a while must come back
 * with its bricks. A discovered peer that answers with the UUID of another ({@link UuidClash}, a
 * cloned disk image) is never probed: gluster would take it for the other; it is reported, and with
 * {@code resetClonedUuids} given a new UUID when it holds no bricks and knows no peers, then probed.
 */
public final class PoolFormation {
    private static final Logger LOG = Logger.getLogger(PoolFormation.class.getName());

    /**
     * What {@link #form} found and did.
     *
     * @param clashes discovered peers that answer with one UUID; the clones were not probed
     * @param reset clones whose UUID this round reset (with {@code resetClonedUuids}), then probed
     */
    public record Report(Peer anchor, List<Peer> probed, Map<String, String> failed, List<String> disconnected,
            List<String> unknownMembers, List<UuidClash> clashes, List<Peer> reset) {

        public Report {
            probed = List.copyOf(probed);
            failed = Map.copyOf(failed);
            disconnected = List.copyOf(disconnected);
            unknownMembers = List.copyOf(unknownMembers);
            clashes = List.copyOf(clashes);
            reset = List.copyOf(reset);
        }

        /** True when every discovered peer is in the pool and connected, and no two share a UUID. */
        public boolean complete() {
            return failed.isEmpty() && disconnected.isEmpty() && clashes.isEmpty();
        }
    }

    private final Duration connectWait;
    private final boolean resetClonedUuids;

    /**
     * @param connectWait how long to wait for newly probed peers to show Connected
     * @param resetClonedUuids give a clone (a peer that shares a UUID with another) a new UUID itself,
     *     when it holds no bricks and knows no peers; otherwise clashes are only reported
     */
    public PoolFormation(Duration connectWait, boolean resetClonedUuids) {
        this.connectWait = connectWait;
        this.resetClonedUuids = resetClonedUuids;
    }

    /** @param connectWait how long to wait for newly probed peers to show Connected */
    public PoolFormation(Duration connectWait) {
        this(connectWait, false);
    }

    public PoolFormation() {
        this(Duration.ofSeconds(30));
    }

    /**
     * Probes the discovered peers that are not yet pooled.
     *
     * @throws GlusterException of kind GLUSTERD_UNREACHABLE when no discovered peer's glusterd answers
     */
    public Report form(List<Peer> discovered) throws GlusterException {
        Peer anchor = null;
        List<PoolPeer> anchorPool = List.of();
        int best = -1;
        Map<String, String> failed = new LinkedHashMap<>();
        Map<Peer, List<PoolPeer>> pools = new LinkedHashMap<>();
        GlusterException lastFailure = null;
        for (Peer peer : discovered) {
            try {
                List<PoolPeer> pool = peer.gluster().poolList();
                pools.put(peer, pool);
                int known = (int) discovered.stream().filter(d -> knows(pool, d)).count();
                if (known > best) {
                    anchor = peer;
                    anchorPool = pool;
                    best = known;
                }
            } catch (GlusterException e) {
                failed.put(peer.name(), e.getMessage());
                lastFailure = e;
            }
        }
        if (anchor == null) {
            throw new GlusterException(GlusterException.Kind.GLUSTERD_UNREACHABLE, "no peer's glusterd answers"
                    + (lastFailure == null ? " (no peers)" : "; last: " + lastFailure.getMessage()), lastFailure);
        }
        Peer pooled = anchor;
        List<PoolPeer> members = anchorPool;
        List<UuidClash> clashes = clashes(pools, p -> p == pooled || knows(members, p), members);
        Set<String> clones = new HashSet<>();
        clashes.forEach(c -> clones.addAll(c.clones()));
        List<Peer> reset = new ArrayList<>();
        if (resetClonedUuids) {
            for (Peer peer : discovered) {
                if (clones.contains(peer.address()) && !knows(anchorPool, peer) && resetIfBare(peer, pools.get(peer))) {
                    reset.add(peer);
                }
            }
        }
        List<Peer> probed = new ArrayList<>();
        for (Peer peer : discovered) {
            if (peer == anchor || knows(anchorPool, peer) || failed.containsKey(peer.name())
                    || (clones.contains(peer.address()) && !reset.contains(peer))) {
                continue;
            }
            try {
                anchor.gluster().peerProbe(peer.address());
                probed.add(peer);
                LOG.info("probed " + peer + " into the pool from " + anchor.name());
            } catch (GlusterException e) {
                failed.put(peer.name(), e.getMessage());
            }
        }
        List<PoolPeer> pool = probed.isEmpty() ? anchorPool : awaitConnected(anchor, probed);
        List<String> disconnected = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (PoolPeer member : pool) {
            if (member.self()) {
                continue;
            }
            if (!member.connected()) {
                disconnected.add(member.hostname());
            }
            if (discovered.stream().noneMatch(d -> member.knownAs(d.address()))) {
                unknown.add(member.hostname());
            }
        }
        if (!disconnected.isEmpty()) {
            LOG.warning("peers in the pool but disconnected (left in the pool): " + disconnected);
        }
        List<UuidClash> left = clashes.stream().filter(c -> !c.clones().stream()
                .allMatch(a -> reset.stream().anyMatch(p -> p.address().equals(a)))).toList();
        return new Report(anchor, probed, failed, disconnected, unknown, left, reset);
    }

    /**
     * Discovered peers sharing a UUID, and discovered peers not in the pool that share the UUID of a
     * member the pool knows at another address (a clone of a peer that is not discovered).
     */
    static List<UuidClash> clashes(Map<Peer, List<PoolPeer>> pools, Predicate<Peer> inPool,
            List<PoolPeer> anchorPool) {
        List<UuidClash> clashes = new ArrayList<>(UuidClash.find(pools, inPool));
        for (Map.Entry<Peer, List<PoolPeer>> entry : pools.entrySet()) {
            Peer peer = entry.getKey();
            if (inPool.test(peer) || clashes.stream().anyMatch(c -> c.addresses().contains(peer.address()))) {
                continue;
            }
            Optional<String> uuid = UuidClash.selfUuid(entry.getValue());
            anchorPool.stream().filter(m -> !m.self() && uuid.isPresent() && m.uuid().equalsIgnoreCase(uuid.get())
                    && !m.knownAs(peer.address())).findFirst()
                    .ifPresent(m -> clashes.add(new UuidClash(uuid.get(), m.hostname(), List.of(peer.address()))));
        }
        return clashes;
    }

    /**
     * Gives a clone a new UUID when that is safe: it knows no other peer (gluster refuses otherwise)
     * and has no volume, so no brick anywhere carries its old identity.
     */
    private static boolean resetIfBare(Peer peer, List<PoolPeer> pool) {
        if (pool == null || pool.size() != 1) {
            LOG.warning("peer " + peer.name() + " shares its UUID with another but knows other peers; not resetting"
                    + " it");
            return false;
        }
        try {
            if (!peer.gluster().volumeList().isEmpty()) {
                LOG.warning("peer " + peer.name() + " shares its UUID with another but has volumes; not resetting it");
                return false;
            }
            String before = UuidClash.selfUuid(pool).orElse("?");
            peer.gluster().uuidReset();
            String after = UuidClash.selfUuid(peer.gluster().poolList()).orElse("?");
            LOG.warning("peer " + peer.name() + " had the UUID " + before + " of another peer (a cloned disk image);"
                    + " reset it to " + after + " (--reset-cloned-peer-uuids)");
            return true;
        } catch (GlusterException e) {
            LOG.warning("cannot reset the UUID of peer " + peer.name() + ": " + e.getMessage());
            return false;
        }
    }

    private static boolean knows(List<PoolPeer> pool, Peer peer) {
        return pool.stream().anyMatch(member -> member.knownAs(peer.address()));
    }

    private List<PoolPeer> awaitConnected(Peer anchor, List<Peer> probed) throws GlusterException {
        long deadline = System.nanoTime() + connectWait.toNanos();
        while (true) {
            List<PoolPeer> pool = anchor.gluster().poolList();
            boolean all = probed.stream().allMatch(p -> pool.stream()
                    .anyMatch(m -> m.knownAs(p.address()) && m.connected()));
            if (all || System.nanoTime() > deadline) {
                return pool;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return pool;
            }
        }
    }
}
