package io.converged.gluster.node.mount;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;

/**
 * Why a mount operation could not be done. The reason says what kind of failure it is and, in this
 * one table, which CSI status code kubelet is answered with; nobody parses messages.
 */
public final class MountException extends CsiException {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure the node distinguishes, each with the code its call answers. */
    public enum Reason {
        /** A mount option, server or name from the request is not acceptable. */
        INVALID(Status.Code.INVALID_ARGUMENT),
        /** The path already holds something incompatible (another volume, another mode). */
        CONFLICT(Status.Code.ALREADY_EXISTS),
        /** The volume is not staged at the staging path. */
        NOT_STAGED(Status.Code.FAILED_PRECONDITION),
        /** The mount is still in use (busy, or still published) and is left as it is. */
        IN_USE(Status.Code.FAILED_PRECONDITION),
        /** The path is not a volume this node mounted. */
        NOT_FOUND(Status.Code.NOT_FOUND),
        /** The FUSE client behind the mount is gone ("Transport endpoint is not connected"). */
        NOT_CONNECTED(Status.Code.INTERNAL),
        /** A mount, unmount or stat did not finish within its time bound. */
        TIMEOUT(Status.Code.DEADLINE_EXCEEDED),
        /** The mount keeper cannot be reached, or is busy with the same path; retrying later may succeed. */
        UNAVAILABLE(Status.Code.UNAVAILABLE),
        /** Anything else: the command failed, a file could not be written. */
        FAILED(Status.Code.INTERNAL);

        private final Status.Code code;

        Reason(Status.Code code) {
            this.code = code;
        }

        /** The status code a call that fails this way answers with. */
        public Status.Code code() {
            return code;
        }
    }

    private final Reason reason;

    public MountException(Reason reason, String message) {
        super(reason.code(), message);
        this.reason = reason;
    }

    public MountException(Reason reason, String message, Throwable cause) {
        super(reason.code(), message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
