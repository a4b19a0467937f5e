package io.converged.gluster.csi.exec;

import io.grpc.Status;

/** A command ran past its time bound and was killed (DEADLINE_EXCEEDED: the caller may retry). */
public final class CommandTimeoutException extends CommandException {
    private static final long serialVersionUID = 1L;

    public CommandTimeoutException(String message) {
        super(Status.Code.DEADLINE_EXCEEDED, message);
    }
}
