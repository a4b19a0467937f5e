package io.converged.gluster.controller.gluster;

/** A peer the command needs is not connected to the pool. */
public final class PeerNotConnectedException extends GlusterException {
    private static final long serialVersionUID = 1L;

    public PeerNotConnectedException(String message, int opErrno) {
        super(Kind.PEER_NOT_CONNECTED, message, opErrno);
    }
}
