package io.converged.gluster.controller.gluster;

import java.util.List;

/**
 * One entry of {@code gluster pool list}. The peer that answered lists itself with hostname
 * {@code localhost}: {@link #self()} is true for it.
 *
 * @param hostnames every name gluster knows the peer by (the first is {@code hostname})
 */
public record PoolPeer(String uuid, String hostname, List<String> hostnames, boolean connected, boolean self) {

    public PoolPeer {
        hostnames = List.copyOf(hostnames);
    }

    /** Whether gluster knows this peer by the address (always false for the self entry). */
    public boolean knownAs(String address) {
        return !self && (hostname.equals(address) || hostnames.contains(address));
    }
}
