package io.converged.gluster.controller.peer;

import java.util.List;

/** Where the storage peers are right now: Kubernetes pods, or a local peers file. */
public interface PeerSource {

    /** The peers that are up now (each call looks afresh), in a stable order. */
    List<Peer> peers() throws PeerDiscoveryException;

    /** For messages, e.g. {@code pods app=glusterfs in gluster}. */
    String describe();
}
