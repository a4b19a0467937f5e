package io.converged.gluster.csi.exec;

/** A command ran past its time bound and was killed. */
public final class CommandTimeoutException extends CommandException {
    private static final long serialVersionUID = 1L;

    public CommandTimeoutException(String message) {
        super(message);
    }
}
