package io.converged.gluster.node.mount;

/**
 * Why a mount operation could not be done. The reason says what kind of failure it is, so the one
 * place that answers kubelet can map it to a CSI status code without parsing messages.
 */
public final class MountException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure the node distinguishes. */
    public enum Reason {
        /** A mount option, server or name from the request is not acceptable. */
        INVALID,
        /** The path already holds something incompatible (another volume, another mode). */
        CONFLICT,
        /** The volume is not staged at the staging path. */
        NOT_STAGED,
        /** The mount is still in use (busy, or still published) and is left as it is. */
        IN_USE,
        /** The path is not a volume this node mounted. */
        NOT_FOUND,
        /** The FUSE client behind the mount is gone ("Transport endpoint is not connected"). */
        NOT_CONNECTED,
        /** A mount, unmount or stat did not finish within its time bound. */
        TIMEOUT,
        /** Anything else: the command failed, a file could not be written. */
        FAILED
    }

    private final Reason reason;

    public MountException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MountException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
