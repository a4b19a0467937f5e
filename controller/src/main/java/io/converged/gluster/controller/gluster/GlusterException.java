package io.converged.gluster.controller.gluster;

/**
 * A gluster command failed. {@link #kind()} says how, in terms a caller can act on; the subclasses
 * exist for the kinds callers usually catch. The message is gluster's own words plus the command.
 */
public class GlusterException extends Exception {
    private static final long serialVersionUID = 1L;

    /** How a gluster command failed. */
    public enum Kind {
        VOLUME_EXISTS,
        VOLUME_NOT_FOUND,
        BRICK_IN_USE,
        PEER_NOT_CONNECTED,
        /** "Another transaction is in progress", "Locking failed": transient, retried by {@link GlusterCli}. */
        LOCK_CONTENTION,
        /** The CLI could not reach glusterd, or the command could not be run on the peer at all. */
        GLUSTERD_UNREACHABLE,
        ALREADY_STARTED,
        NOT_STARTED,
        /** A started volume cannot be deleted. */
        STILL_STARTED,
        QUOTA_ALREADY_ENABLED,
        QUOTA_DISABLED,
        /** Anything else gluster refused, such as an unknown option. */
        OTHER
    }

    private final Kind kind;
    private final int opErrno;

    public GlusterException(Kind kind, String message, int opErrno) {
        super(message);
        this.kind = kind;
        this.opErrno = opErrno;
    }

    public GlusterException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.opErrno = 0;
    }

    public Kind kind() {
        return kind;
    }

    /** gluster's opErrno (0 when the failure did not come from glusterd). */
    public int opErrno() {
        return opErrno;
    }
}
