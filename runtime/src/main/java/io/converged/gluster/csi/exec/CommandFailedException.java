package io.converged.gluster.csi.exec;

/** A command ran and exited non-zero where success was required. */
public final class CommandFailedException extends CommandException {
    private static final long serialVersionUID = 1L;

    private final transient CommandResult result;

    public CommandFailedException(String where, CommandResult result) {
        super(String.join(" ", result.argv()) + " failed on " + where + " (exit " + result.exitCode() + "): "
                + result.message());
        this.result = result;
    }

    public CommandResult result() {
        return result;
    }
}
