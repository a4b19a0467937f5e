package io.converged.gluster.csi.exec;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;

/**
 * A command could not be run to completion: it did not start or its host (a peer pod) is gone,
 * which a later retry may find mended (UNAVAILABLE). The subclasses say when it ran out of time
 * or ran and failed.
 */
public class CommandException extends CsiException {
    private static final long serialVersionUID = 1L;

    public CommandException(String message) {
        super(Status.Code.UNAVAILABLE, message);
    }

    public CommandException(String message, Throwable cause) {
        super(Status.Code.UNAVAILABLE, message, cause);
    }

    protected CommandException(Status.Code code, String message) {
        super(code, message);
    }
}
