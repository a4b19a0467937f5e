package io.converged.gluster.csi.exec;

import io.grpc.Status;

/** A command ran and exited non-zero where success was required (INTERNAL). */
public final class CommandFailedException extends CommandException {
    private static final long serialVersionUID = 1L;

    private final transient CommandResult result;

    /** The command's own words, with where it ran. */
    public CommandFailedException(String where, CommandResult result) {
        this(result, String.join(" ", result.argv()) + " failed on " + where + " (exit " + result.exitCode() + ")");
    }

    private CommandFailedException(CommandResult result, String what) {
        super(Status.Code.INTERNAL, what + ": " + result.message());
        this.result = result;
    }

    /** What failed, in the caller's words, followed by the command's own. */
    public static CommandFailedException because(String what, CommandResult result) {
        return new CommandFailedException(result, what);
    }

    public CommandResult result() {
        return result;
    }
}
