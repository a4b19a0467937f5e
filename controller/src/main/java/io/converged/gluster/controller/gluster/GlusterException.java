package io.converged.gluster.controller.gluster;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;

/**
 * A gluster command failed. {@link #kind()} says how, in terms a caller can act on, and the kind
 * decides the CSI status code the call answers with: this table is the whole way from gluster's
 * answer to the code ({@link GlusterErrors} reads the answer into a kind). The message is gluster's
 * own words plus the command.
 */
public final class GlusterException extends CsiException {
    private static final long serialVersionUID = 1L;

    /** How a gluster command failed, and what the CSI call answers then. */
    public enum Kind {
        /** The volume name is taken. */
        VOLUME_EXISTS(Status.Code.ALREADY_EXISTS),
        /** No volume by that name. */
        VOLUME_NOT_FOUND(Status.Code.NOT_FOUND),
        /** A brick path already belongs to (or contains, or lies inside) a brick of some volume. */
        BRICK_IN_USE(Status.Code.ALREADY_EXISTS),
        /** A peer the command needs is not connected, or the pool disagrees while a peer rejoins. */
        PEER_NOT_CONNECTED(Status.Code.UNAVAILABLE),
        /** "Another transaction is in progress", "Locking failed": transient, retried by {@link GlusterCli}. */
        LOCK_CONTENTION(Status.Code.UNAVAILABLE),
        /** The CLI could not reach glusterd, or the command could not be run on the peer at all. */
        GLUSTERD_UNREACHABLE(Status.Code.UNAVAILABLE),
        ALREADY_STARTED(Status.Code.FAILED_PRECONDITION),
        NOT_STARTED(Status.Code.FAILED_PRECONDITION),
        /** A started volume cannot be deleted. */
        STILL_STARTED(Status.Code.FAILED_PRECONDITION),
        QUOTA_ALREADY_ENABLED(Status.Code.FAILED_PRECONDITION),
        QUOTA_DISABLED(Status.Code.FAILED_PRECONDITION),
        /** {@code quota remove} of a path that has no limit. */
        QUOTA_NOT_SET(Status.Code.FAILED_PRECONDITION),
        /** Gluster accepted a quota limit but does not show it afterwards (seen while a peer's glusterd restarted). */
        LIMIT_NOT_SHOWN(Status.Code.UNAVAILABLE),
        /** A quota command named a path the volume does not have. */
        PATH_NOT_FOUND(Status.Code.NOT_FOUND),
        /** Anything else gluster refused, such as an unknown option. */
        OTHER(Status.Code.INTERNAL);

        private final Status.Code code;

        Kind(Status.Code code) {
            this.code = code;
        }

        /** The status code of a CSI call that fails this way. */
        public Status.Code code() {
            return code;
        }
    }

    private final Kind kind;
    private final int opErrno;

    public GlusterException(Kind kind, String message, int opErrno) {
        super(kind.code(), message);
        this.kind = kind;
        this.opErrno = opErrno;
    }

    public GlusterException(Kind kind, String message, Throwable cause) {
        super(kind.code(), message, cause);
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

    /** Whether the failure is of this kind. */
    public boolean is(Kind other) {
        return kind == other;
    }
}
