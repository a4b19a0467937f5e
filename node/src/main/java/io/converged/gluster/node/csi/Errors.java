package io.converged.gluster.node.csi;

import io.converged.gluster.node.mount.MountException;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The one place that turns what went wrong into a CSI status code; never UNKNOWN. */
final class Errors {
    private static final Logger LOG = Logger.getLogger(Errors.class.getName());

    private Errors() {
    }

    static StatusException toStatus(Throwable error) {
        if (error instanceof CsiException e) {
            return Status.fromCode(e.code()).withDescription(e.getMessage()).asException();
        }
        if (error instanceof MountException e) {
            return Status.fromCode(codeOf(e.reason())).withDescription(e.getMessage()).asException();
        }
        LOG.log(Level.SEVERE, "unexpected failure", error);
        return Status.INTERNAL.withDescription("unexpected failure: " + error).asException();
    }

    static Status.Code codeOf(MountException.Reason reason) {
        return switch (reason) {
            case INVALID -> Status.Code.INVALID_ARGUMENT;
            case CONFLICT -> Status.Code.ALREADY_EXISTS;
            case NOT_STAGED, IN_USE -> Status.Code.FAILED_PRECONDITION;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
            case NOT_CONNECTED, FAILED -> Status.Code.INTERNAL;
        };
    }
}
