package io.converged.gluster.images;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * podman as deploy/images/build configures it: every call carries {@code CONTAINERS_CONF} pointing
 * at the containers.conf the build wrote (runtime runc, no default ulimits). Commands are argv lists.
 */
final class Podman {
    /** The label every container of the images tests carries, so a later run finds what a crash left. */
    static final String LABEL = "io.converged.gluster.test=images-it";

    private final LocalCommandRunner runner;

    Podman(Path containersConf) {
        this.runner = new LocalCommandRunner(Map.of("CONTAINERS_CONF", containersConf.toString()));
    }

    /** Runs {@code podman ARGS}; returns the result whatever the exit code. */
    CommandResult run(Duration timeout, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add("podman");
        argv.addAll(args);
        try {
            return runner.run(argv, timeout);
        } catch (CommandException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    CommandResult run(String... args) {
        return run(Duration.ofMinutes(2), Arrays.asList(args));
    }

    /** Runs {@code podman ARGS} and returns its stdout; fails with podman's own words otherwise. */
    String require(String... args) {
        CommandResult result = run(args);
        if (!result.succeeded()) {
            throw new IllegalStateException("podman " + String.join(" ", args) + " failed (exit "
                    + result.exitCode() + "): " + result.message());
        }
        return result.stdout();
    }

    /** {@code podman exec CONTAINER COMMAND...}, whatever the exit code. */
    CommandResult exec(String container, List<String> command) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(command);
        return run(Duration.ofMinutes(2), args);
    }

    /** The gluster CLI in a peer container (its default glusterd socket), script mode. */
    CommandResult gluster(String container, String... args) {
        List<String> command = new ArrayList<>(List.of("gluster", "--mode=script"));
        command.addAll(Arrays.asList(args));
        return exec(container, command);
    }

    /** What the container wrote, stdout and stderr. */
    String logs(String container) {
        CommandResult result = run("logs", container);
        if (!result.succeeded()) {
            throw new IllegalStateException("podman logs " + container + " failed: " + result.message());
        }
        return result.stdout() + result.stderr();
    }

    /** The container's state as podman reports it ({@code running}, {@code exited}, ...), or "" when gone. */
    String state(String container) {
        CommandResult result = run("inspect", "--format", "{{.State.Status}}", container);
        return result.succeeded() ? result.stdout().strip() : "";
    }

    /** Removes every container of the images tests, running or not. */
    void removeAllOurs() {
        CommandResult ours = run("ps", "--all", "--quiet", "--filter", "label=" + LABEL);
        List<String> ids = ours.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "--force", "--time", "2"));
            args.addAll(ids);
            run(Duration.ofMinutes(2), args);
        }
    }
}
