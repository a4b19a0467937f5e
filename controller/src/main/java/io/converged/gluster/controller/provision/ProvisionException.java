package io.converged.gluster.controller.provision;

/**
 * A provisioning step failed in a way the caller should hear about with a specific CSI code;
 * the kind says which.
 */
public final class ProvisionException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in the terms of the CSI error codes. */
    public enum Kind {
        /** The name is taken by a volume with other parameters or size. */
        CONFLICT,
        /** No such volume. */
        NOT_FOUND,
        /** The pool cannot hold the volume (peers or space short). */
        EXHAUSTED,
        /** Gluster cannot be reached now; retrying later may succeed. */
        UNAVAILABLE,
        /** The request is impossible for the volume as it is (e.g. shrinking). */
        OUT_OF_RANGE,
        /** Anything else: a failed gluster command, a broken peer. */
        INTERNAL
    }

    private final Kind kind;

    public ProvisionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ProvisionException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
