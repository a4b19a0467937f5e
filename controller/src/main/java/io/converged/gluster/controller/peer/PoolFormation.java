package io.converged.gluster.controller.peer;

import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.PoolPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Forms the trusted storage pool the way an operator would by hand: peers that were discovered
 * but are not in {@code gluster pool list} are probed in from a peer that is (the anchor: the
 * answering peer whose pool already holds the most discovered peers). Peers that are in the pool
 * but disconnected are reported, never detached: a peer that is down for a while must come back
 * with its bricks.
 */
public final class PoolFormation {
    private static final Logger LOG = Logger.getLogger(PoolFormation.class.getName());

    /** What {@link #form} found and did. */
    public record Report(Peer anchor, List<Peer> probed, Map<String, String> failed, List<String> disconnected,
            List<String> unknownMembers) {

        public Report {
            probed = List.copyOf(probed);
            failed = Map.copyOf(failed);
            disconnected = List.copyOf(disconnected);
            unknownMembers = List.copyOf(unknownMembers);
        }

        /** True when every discovered peer is in the pool and connected. */
        public boolean complete() {
            return failed.isEmpty() && disconnected.isEmpty();
        }
    }

    private final Duration connectWait;

    /** @param connectWait how long to wait for newly probed peers to show Connected */
    public PoolFormation(Duration connectWait) {
        this.connectWait = connectWait;
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
        GlusterException lastFailure = null;
        for (Peer peer : discovered) {
            try {
                List<PoolPeer> pool = peer.gluster().poolList();
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
        List<Peer> probed = new ArrayList<>();
        for (Peer peer : discovered) {
            if (peer == anchor || knows(anchorPool, peer) || failed.containsKey(peer.name())) {
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
        return new Report(anchor, probed, failed, disconnected, unknown);
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
