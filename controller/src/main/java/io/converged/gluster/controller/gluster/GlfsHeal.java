package io.converged.gluster.controller.gluster;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * glfsheal, the program behind {@code volume heal V info}, run directly: the CLI runs it against the
 * default glusterd socket and does not pass its own {@code --glusterd-sock} on, so for a CLI that talks
 * to another socket (peers on one machine) the heal summary is read from glfsheal's text.
 */
final class GlfsHeal {
    /** Where Debian and the RPM builds put glfsheal. */
    static final List<String> PATHS = List.of("/usr/lib/x86_64-linux-gnu/glusterfs/glfsheal",
            "/usr/lib/aarch64-linux-gnu/glusterfs/glfsheal", "/usr/libexec/glusterfs/glfsheal",
            "/usr/lib/glusterfs/glfsheal");

    private GlfsHeal() {
    }

    /** {@code glfsheal V info-summary glusterd-sock SOCKET}, read as {@link HealText}. */
    static HealSummary summary(CommandRunner runner, String socket, String volume, Duration timeout)
            throws GlusterException {
        String glfsheal = PATHS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(PATHS.get(0));
        String command = "glfsheal " + volume + " info-summary";
        CommandResult result;
        try {
            result = runner.run(List.of(glfsheal, volume, "info-summary", "glusterd-sock", socket), timeout);
        } catch (CommandException e) {
            throw new GlusterException(GlusterException.Kind.GLUSTERD_UNREACHABLE, command + " on "
                    + runner.describe() + ": " + e.getMessage(), e);
        }
        if (HealText.isSummary(result.stdout())) {
            return HealText.parse(volume, result.stdout());
        }
        throw GlusterErrors.classify(result.message(), 0, command + " (exit " + result.exitCode() + ")");
    }
}
