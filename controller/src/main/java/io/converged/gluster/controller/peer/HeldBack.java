package io.converged.gluster.controller.peer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Peers the controller detached while they were up (a drain) and discovery still lists: the pool
 * keeper must not probe them back in, and nothing may place a brick on them or ask them about the
 * pool (a detached glusterd answers as a pool of one). A peer is held back from its detach until
 * discovery stops listing it (its node unlabelled, its pod gone, its line removed from the peers
 * file); listed again after that, it is a new peer and is probed in. A lost peer detached while
 * disconnected is not held: what answers at its address later is a new node. The hold lives in
 * this process only: a restarted controller probes a detached peer that is still discovered.
 */
public final class HeldBack {
    private static final Logger LOG = Logger.getLogger(HeldBack.class.getName());

    private final Set<String> addresses = ConcurrentHashMap.newKeySet();

    /** Holds back the peer at the address until discovery stops listing it. */
    public void hold(String address) {
        if (addresses.add(address)) {
            LOG.info("peer " + address + " was detached: not probing it back in or placing bricks on it while it is"
                    + " still discovered; remove it from discovery (unlabel its node) to finish");
        }
    }

    public boolean held(Peer peer) {
        return addresses.contains(peer.address());
    }

    /** Releases the holds of peers discovery no longer lists. */
    public void releaseUnlisted(List<Peer> discovered) {
        addresses.removeIf(address -> {
            boolean gone = discovered.stream().noneMatch(p -> p.address().equals(address));
            if (gone) {
                LOG.info("peer " + address + " is no longer discovered; should it come back, it is probed in as new");
            }
            return gone;
        });
    }

    /** The source without the peers held back: what everything but the pool keeper sees. */
    public PeerSource filter(PeerSource source) {
        return new PeerSource() {
            @Override
            public List<Peer> peers() throws PeerDiscoveryException {
                List<Peer> all = source.peers();
                return addresses.isEmpty() ? all : all.stream().filter(p -> !held(p)).toList();
            }

            @Override
            public String describe() {
                return source.describe();
            }
        };
    }
}
