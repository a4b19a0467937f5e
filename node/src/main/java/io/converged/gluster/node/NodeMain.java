package io.converged.gluster.node;

import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.Flags;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.LogSetup;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.UsageException;
import io.converged.gluster.node.csi.NodeService;
import io.converged.gluster.node.csi.StartupHealer;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.node.mount.CommandMounter;
import io.converged.gluster.node.mount.StageRecords;
import io.converged.gluster.node.mount.VolumeMounts;
import io.grpc.BindableService;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starts the CSI node server: the only place its parts are wired together. */
public final class NodeMain {
    static final Duration STAT_TIMEOUT = Duration.ofSeconds(10);

    private NodeMain() {
    }

    static Flags flags() {
        return ServerLauncher.standardFlags("gluster-csi-node",
                "CSI node plugin for GlusterFS: FUSE-mounts provisioned gluster volumes for the pods of\n"
                        + "this node.",
                "unix:///csi/csi.sock")
                .option("node-id", "", "this node's id for the controller (default: $KUBE_NODE_NAME, else"
                        + " $NODE_NAME, else the host name)")
                .option("state-dir", "", "where the registry of staged volumes lives, healed at start; must"
                        + " survive restarts (default: 'staged' beside the endpoint socket)")
                .option("client-log-dir", "/var/log/glusterfs/csi", "one gluster FUSE client log per volume here")
                .option("mount-timeout", "60", "seconds any mount or unmount may take before it is killed");
    }

    public static void main(String[] args) {
        LogSetup.early();
        int code = ServerLauncher.run(flags(), args, NodeMain::assemble, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static ServerLauncher.Assembly assemble(Flags.Parsed flags) throws UsageException, IOException {
        int mountSeconds = flags.getInt("mount-timeout");
        if (mountSeconds < 1) {
            throw new UsageException("--mount-timeout must be at least 1 second");
        }
        Path clientLogDir = absolute("client-log-dir", flags.get("client-log-dir"));
        Path stateDir = flags.get("state-dir").isEmpty()
                ? Endpoint.parse(flags.get("endpoint")).socket().resolveSibling("staged")
                : absolute("state-dir", flags.get("state-dir"));

        NodeReadiness readiness = new NodeReadiness(Path.of("/dev/fuse"),
                List.of(Path.of("/sbin/mount.glusterfs"), Path.of("/usr/sbin/mount.glusterfs")));
        IdentityService identity = new IdentityService(List.of(), readiness);
        CommandMounter mounter = new CommandMounter(new LocalCommandRunner(), Path.of("/proc/self/mountinfo"),
                Duration.ofSeconds(mountSeconds), STAT_TIMEOUT);
        StageRecords records = new StageRecords(stateDir);
        VolumeMounts volumes = new VolumeMounts(mounter, records);
        VolumeLocks locks = new VolumeLocks();
        NodeService node = new NodeService(volumes, locks, nodeId(flags.get("node-id"), System.getenv()),
                clientLogDir);
        StartupHealer healer = new StartupHealer(records, volumes, locks);
        return new ServerLauncher.Assembly() {
            @Override
            public List<BindableService> services() {
                return List.of(identity, node);
            }

            @Override
            public void started() {
                Thread thread = new Thread(healer, "heal-at-start");
                thread.setDaemon(true);
                thread.start();
            }
        };
    }

    private static Path absolute(String name, String value) throws UsageException {
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            throw new UsageException("--" + name + " must be an absolute path, got '" + value + "'");
        }
        return path.normalize();
    }

    /** The flag, else the Kubernetes node name from the environment, else the host name. */
    static String nodeId(String flag, Map<String, String> environment) throws IOException {
        if (!flag.isBlank()) {
            return flag.trim();
        }
        for (String variable : List.of("KUBE_NODE_NAME", "NODE_NAME")) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        Path kernelHostname = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(kernelHostname)) {
            return Files.readString(kernelHostname).trim();
        }
        return InetAddress.getLocalHost().getHostName();
    }
}
