package io.converged.gluster.node.keeper;

import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.LogSetup;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.ServerOptions;
import io.converged.gluster.csi.runtime.UsageException;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.node.NodeReadiness;
import io.converged.gluster.node.mount.CommandMounter;
import io.converged.gluster.node.mount.KubeletDir;
import io.grpc.BindableService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The mount keeper's command line, and the only place its parts are wired together. The keeper
 * is the node plugin's jar started with this main class; it changes rarely, so it is restarted
 * rarely, and the FUSE clients it starts live as long as it does.
 */
@Command(name = "gluster-csi-mount-keeper", mixinStandardHelpOptions = true,
        versionProvider = ServerLauncher.Version.class, sortOptions = false, usageHelpWidth = 100,
        description = "Mount keeper of the GlusterFS CSI node plugin: makes the FUSE mounts the node plugin asks"
                + " for over this socket, so the glusterfs clients are this process's and outlive restarts and"
                + " upgrades of the plugin. Run it as its own container (its own DaemonSet, updateStrategy OnDelete)"
                + " under an init that reaps exited clients (tini), with the plugin's --mount-keeper pointing at"
                + " --endpoint.")
public final class KeeperMain implements ServerLauncher.ServerCommand {
    private static final Duration STAT_TIMEOUT = Duration.ofSeconds(10);

    @Mixin
    private ServerOptions server;

    @Spec
    private CommandSpec spec;

    @Option(names = "--kubelet-dir", defaultValue = "/var/lib/kubelet",
            description = "mount and unmount only under this directory, as the node plugin's --kubelet-dir."
                    + " Default: ${DEFAULT-VALUE}")
    private String kubeletDir;

    @Option(names = "--client-log-dir", defaultValue = "/var/log/glusterfs/csi",
            description = "the FUSE clients' log files must lie in this directory, the node plugin's"
                    + " --client-log-dir. Default: ${DEFAULT-VALUE}")
    private String clientLogDir;

    @Option(names = "--mount-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "seconds a mount or unmount may take before it is killed. Default: ${DEFAULT-VALUE}")
    private int mountTimeoutSeconds;

    public static void main(String[] args) {
        LogSetup.early();
        ServerLauncher.preferLowMemory();
        int code = ServerLauncher.run(new KeeperMain(), args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public ServerOptions server() {
        return server;
    }

    @Override
    public ServerLauncher.Assembly assemble() throws UsageException {
        if (!spec.commandLine().getParseResult().hasMatchedOption("--endpoint")) {
            throw new UsageException("--endpoint is required: the keeper's own socket, e.g."
                    + " unix:///var/lib/gluster-csi/mount-keeper/keeper.sock, never the node plugin's");
        }
        if (mountTimeoutSeconds < 1) {
            throw new UsageException("--mount-timeout must be at least 1 second");
        }
        KubeletDir kubelet = new KubeletDir(absolute("kubelet-dir", kubeletDir));
        Path logs = absolute("client-log-dir", clientLogDir);
        // Not a static field: a logger made before main's LogSetup.early() would lose what shutdown logs.
        Logger log = Logger.getLogger(KeeperMain.class.getName());
        if (ProcessHandle.current().pid() == 1) {
            log.warning("running as PID 1: FUSE clients that exit are never reaped; start the keeper under an init"
                    + " such as tini");
        }
        CommandMounter mounter = new CommandMounter(new LocalCommandRunner(), Path.of("/proc/self/mountinfo"),
                Duration.ofSeconds(mountTimeoutSeconds), STAT_TIMEOUT);
        KeeperService keeper = new KeeperService(new KeptMounts(mounter), kubelet, logs, new VolumeLocks());
        IdentityService identity = new IdentityService(List.of(), NodeReadiness.ofThisMachine());
        log.info("mount keeper: mounts under " + kubelet + ", client logs in " + logs);
        return () -> List.<BindableService>of(identity, keeper);
    }

    private static Path absolute(String name, String value) throws UsageException {
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            throw new UsageException("--" + name + " must be an absolute path, got '" + value + "'");
        }
        return path.normalize();
    }
}
