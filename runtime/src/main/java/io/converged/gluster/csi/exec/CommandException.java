package io.converged.gluster.csi.exec;

/** A command could not be run to completion: it did not start, its host is gone, or it timed out. */
public class CommandException extends Exception {
    private static final long serialVersionUID = 1L;

    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
