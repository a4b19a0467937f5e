package io.converged.gluster.csi.runtime;

import io.grpc.Status;

/**
 * A failure that knows the CSI status code its call must answer with. Every typed failure of the
 * driver is one: gluster's answers ({@code GlusterException}, its kind decides the code), mounts
 * ({@code MountException}, its reason decides), commands that cannot run
 * ({@link io.converged.gluster.csi.exec.CommandException}), and the servers' own refusals made
 * with the factories below. {@link Answers} turns it into the gRPC status; anything else is a bug
 * and answers INTERNAL. Never UNKNOWN.
 */
public class CsiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Status.Code code;

    public CsiException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    public CsiException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The status code the call answers with. */
    public Status.Code code() {
        return code;
    }

    /** A request field or parameter is missing, malformed or unknown; nothing was changed. */
    public static CsiException invalidArgument(String message) {
        return new CsiException(Status.Code.INVALID_ARGUMENT, message);
    }

    /** The volume (or path) named does not exist. */
    public static CsiException notFound(String message) {
        return new CsiException(Status.Code.NOT_FOUND, message);
    }

    /** The name is taken by something made with other parameters. */
    public static CsiException alreadyExists(String message) {
        return new CsiException(Status.Code.ALREADY_EXISTS, message);
    }

    /** The size asked for cannot be given (below the minimum, a shrink, above a limit). */
    public static CsiException outOfRange(String message) {
        return new CsiException(Status.Code.OUT_OF_RANGE, message);
    }

    /** Peers or space are short: the pool cannot hold what was asked. */
    public static CsiException exhausted(String message) {
        return new CsiException(Status.Code.RESOURCE_EXHAUSTED, message);
    }

    /** The state of things forbids it now (a volume still published, say). */
    public static CsiException failedPrecondition(String message) {
        return new CsiException(Status.Code.FAILED_PRECONDITION, message);
    }

    /** Another operation holds the same volume; the caller retries. */
    public static CsiException aborted(String message) {
        return new CsiException(Status.Code.ABORTED, message);
    }

    /** Gluster (or a peer) cannot be reached now; retrying later may succeed. */
    public static CsiException unavailable(String message) {
        return new CsiException(Status.Code.UNAVAILABLE, message);
    }

    public static CsiException unavailable(String message, Throwable cause) {
        return new CsiException(Status.Code.UNAVAILABLE, message, cause);
    }

    /** Something failed that retrying will not mend by itself. */
    public static CsiException internal(String message, Throwable cause) {
        return new CsiException(Status.Code.INTERNAL, message, cause);
    }

    /**
     * The failure with what was being done in front of its message, its code kept; a failure that
     * has no code (a bug) becomes INTERNAL.
     */
    public static CsiException during(String doing, Exception failure) {
        if (failure instanceof CsiException coded) {
            return new CsiException(coded.code(), doing + ": " + coded.getMessage(), coded);
        }
        return internal(doing + " failed: " + failure, failure);
    }
}
