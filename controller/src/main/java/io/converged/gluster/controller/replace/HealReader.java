package io.converged.gluster.controller.replace;

import io.converged.gluster.controller.gluster.GlusterErrors;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.GlusterNames;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a volume's heal summary on a peer. In a peer pod that is {@code gluster volume heal V info
 * summary}; a peer reached through its own glusterd socket (several peers on one machine) needs
 * gluster's heal-info tool run directly, as the CLI does not pass the socket on to it.
 */
final class HealReader {
    /** Where distributions install the heal-info tool (Debian and Ubuntu first). */
    private static final List<String> TOOL = List.of(
            "/usr/lib/x86_64-linux-gnu/glusterfs/glfsheal",
            "/usr/lib/aarch64-linux-gnu/glusterfs/glfsheal",
            "/usr/libexec/glusterfs/glfsheal",
            "/usr/lib64/glusterfs/glfsheal",
            "/usr/lib/glusterfs/glfsheal");
    private static final String SOCKET_FLAG = "--glusterd-sock=";
    /** The tool connects to every brick: a few seconds, longer while a peer is unreachable. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** The tool's path once found (peers reached by socket run their commands on this machine). */
    private volatile String tool;

    HealSummary read(Peer peer, String volume) throws GlusterException {
        GlusterNames.requireVolume(volume);
        Optional<String> socket = peer.glusterPrefix().stream().filter(a -> a.startsWith(SOCKET_FLAG))
                .map(a -> a.substring(SOCKET_FLAG.length())).findFirst();
        CommandResult result = socket.isPresent() ? runTool(peer, volume, socket.get())
                : run(peer, concat(peer.glusterPrefix(), List.of("volume", "heal", volume, "info", "summary")));
        try {
            return HealSummary.parse(volume, result.stdout());
        } catch (IllegalArgumentException e) {
            // No brick listed: gluster said why instead ("Volume V is not started", no volfile...).
            throw GlusterErrors.classify(result.message(), 0, "gluster volume heal " + volume + " info summary on "
                    + peer.name());
        }
    }

    private CommandResult runTool(Peer peer, String volume, String socket) throws GlusterException {
        String known = tool;
        if (known != null) {
            return run(peer, List.of(known, volume, "info-summary", "glusterd-sock", socket));
        }
        CommandException missing = null;
        for (String candidate : TOOL) {
            try {
                CommandResult result = peer.runner().run(List.of(candidate, volume, "info-summary", "glusterd-sock",
                        socket), TIMEOUT);
                tool = candidate;
                return result;
            } catch (CommandTimeoutException e) {
                throw new GlusterException(GlusterException.Kind.GLUSTERD_UNREACHABLE, e.getMessage(), e);
            } catch (CommandException e) {
                missing = e;
            }
        }
        throw new GlusterException(GlusterException.Kind.GLUSTERD_UNREACHABLE, "gluster's heal-info tool"
                + " (glfsheal) is not installed on " + peer.name() + ": " + missing.getMessage(), missing);
    }

    private static CommandResult run(Peer peer, List<String> argv) throws GlusterException {
        try {
            return peer.runner().run(argv, TIMEOUT);
        } catch (CommandException e) {
            throw new GlusterException(GlusterException.Kind.GLUSTERD_UNREACHABLE, String.join(" ", argv) + " on "
                    + peer.name() + ": " + e.getMessage(), e);
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
