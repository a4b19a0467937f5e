package io.converged.gluster.csi.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one command, given as an argv list (never a shell string), somewhere: a local process, or
 * a container of a peer pod through the Kubernetes API. A non-zero exit is a result, not an
 * exception; failing to run the command at all, or running out of time, is an exception.
 */
public interface CommandRunner {

    /** Runs argv with a bound on its duration. Standard input is empty. */
    CommandResult run(List<String> argv, Duration timeout) throws CommandException;

    /**
     * Runs argv with these variables added to its environment. Where a runner cannot set a command's
     * environment itself (a container reached through the Kubernetes API), the command is run through
     * {@code env NAME=VALUE... argv}.
     */
    default CommandResult run(List<String> argv, Map<String, String> environment, Duration timeout)
            throws CommandException {
        return run(throughEnv(argv, environment), timeout);
    }

    /** {@code env NAME=VALUE... argv}, or argv itself when there is no variable to set. */
    static List<String> throughEnv(List<String> argv, Map<String, String> environment) {
        if (environment.isEmpty()) {
            return argv;
        }
        List<String> full = new ArrayList<>();
        full.add("env");
        new TreeMap<>(environment).forEach((name, value) -> {
            if (name.isEmpty() || name.contains("=") || name.startsWith("-")) {
                throw new IllegalArgumentException("not an environment variable's name: " + name);
            }
            full.add(name + "=" + value);
        });
        full.addAll(argv);
        return full;
    }

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
