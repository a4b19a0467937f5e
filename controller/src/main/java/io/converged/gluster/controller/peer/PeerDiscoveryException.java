package io.converged.gluster.controller.peer;

/** The peers could not be listed: the API server did not answer, or the peers file is unreadable or wrong. */
public final class PeerDiscoveryException extends Exception {
    private static final long serialVersionUID = 1L;

    public PeerDiscoveryException(String message) {
        super(message);
    }

    public PeerDiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
