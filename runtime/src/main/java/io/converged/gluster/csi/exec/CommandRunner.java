package io.converged.gluster.csi.exec;

import java.time.Duration;
import java.util.List;

/**
 * Runs one command, given as an argv list (never a shell string), somewhere: a local process, or
 * a container of a peer pod through the Kubernetes API. A non-zero exit is a result, not an
 * exception; failing to run the command at all, or running out of time, is an exception.
 */
public interface CommandRunner {

    /** Runs argv with a bound on its duration. Standard input is empty. */
    CommandResult run(List<String> argv, Duration timeout) throws CommandException;

    /** Where commands run, for messages: e.g. {@code local} or {@code pod gluster/peer-0}. */
    String describe();

    /**
     * True when the commands run on this machine, in this process's view of the file system, so a
     * caller may do simple file work itself instead of starting a command for it.
     */
    default boolean runsHere() {
        return false;
    }
}
