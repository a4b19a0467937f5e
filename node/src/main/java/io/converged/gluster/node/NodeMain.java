package io.converged.gluster.node;

import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.LogSetup;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.ServerOptions;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.runtime.UsageException;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.node.csi.NodeService;
import io.converged.gluster.node.csi.StartupHealer;
import io.converged.gluster.node.keeper.KeeperMounter;
import io.converged.gluster.node.mount.CommandMounter;
import io.converged.gluster.node.mount.DeadClients;
import io.converged.gluster.node.mount.KubeletDir;
import io.converged.gluster.node.mount.Mounter;
import io.converged.gluster.node.mount.StageRecords;
import io.converged.gluster.node.mount.VolumeMounts;
import io.grpc.BindableService;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The node server's command line, and the only place its parts are wired together. */
@Command(name = "gluster-csi-node", mixinStandardHelpOptions = true, versionProvider = ServerLauncher.Version.class,
        sortOptions = false, usageHelpWidth = 100,
        description = "CSI node plugin for GlusterFS: FUSE-mounts provisioned gluster volumes for the pods of this"
                + " node.")
public final class NodeMain implements ServerLauncher.ServerCommand {
    static final Duration STAT_TIMEOUT = Duration.ofSeconds(10);
    /** A call to the mount keeper may take its mount timeout (the same flag's value, by default) and this. */
    static final Duration KEEPER_MARGIN = Duration.ofSeconds(15);

    @Mixin
    private ServerOptions server;

    @Option(names = "--node-id", defaultValue = "",
            description = "this node's id for the controller (default: $KUBE_NODE_NAME, else $NODE_NAME, else the"
                    + " host name)")
    private String nodeId;

    @Option(names = "--state-dir", defaultValue = "",
            description = "where the registry of staged volumes lives, healed at start; must survive restarts"
                    + " (default: 'staged' beside the endpoint socket)")
    private String stateDir;

    @Option(names = "--client-log-dir", defaultValue = "/var/log/glusterfs/csi",
            description = "one gluster FUSE client log per volume here. Default: ${DEFAULT-VALUE}")
    private String clientLogDir;

    @Option(names = "--mount-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "seconds any mount or unmount may take before it is killed. Default: ${DEFAULT-VALUE}")
    private int mountTimeoutSeconds;

    @Option(names = "--kubelet-dir", defaultValue = "/var/lib/kubelet",
            description = "staging and target paths must lie under this directory; any other is refused."
                    + " Default: ${DEFAULT-VALUE}")
    private String kubeletDir;

    @Option(names = "--mount-keeper", paramLabel = "unix:///PATH",
            description = "the mount keeper's socket: FUSE mounts are made by the keeper, whose gluster clients"
                    + " outlive restarts of this plugin (off when not given: the plugin mounts itself)")
    private String mountKeeper;

    public static void main(String[] args) {
        LogSetup.early();
        ServerLauncher.preferLowMemory();
        int code = ServerLauncher.run(new NodeMain(), args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public ServerOptions server() {
        return server;
    }

    @Override
    public ServerLauncher.Assembly assemble() throws UsageException, IOException {
        if (mountTimeoutSeconds < 1) {
            throw new UsageException("--mount-timeout must be at least 1 second");
        }
        Path logs = absolute("client-log-dir", clientLogDir);
        Path state = stateDir.isEmpty() ? server.endpoint().socket().resolveSibling("staged")
                : absolute("state-dir", stateDir);

        KubeletDir kubelet = new KubeletDir(absolute("kubelet-dir", kubeletDir));
        Endpoint keeper = keeperEndpoint();

        IdentityService identity = new IdentityService(List.of(), NodeReadiness.ofThisMachine());
        Duration mountTimeout = Duration.ofSeconds(mountTimeoutSeconds);
        CommandMounter local = new CommandMounter(new LocalCommandRunner(), Path.of("/proc/self/mountinfo"),
                mountTimeout, STAT_TIMEOUT);
        UnixChannel keeperChannel = keeper == null ? null : UnixChannel.open(keeper);
        Mounter mounter = keeper == null ? local : new KeeperMounter(local, keeperChannel.channel(),
                keeper.target(), mountTimeout.plus(KEEPER_MARGIN));
        Counter deaths = Counter.builder().name("gluster_csi_fuse_client_deaths")
                .help("FUSE clients of staged volumes found dead on this node (each was re-mounted; pods that used"
                        + " the dead mount must be restarted)")
                .build();
        StageRecords records = new StageRecords(state);
        VolumeMounts volumes = new VolumeMounts(mounter, records, new DeadClients(deaths::inc));
        VolumeLocks locks = new VolumeLocks();
        NodeService node = new NodeService(volumes, locks, nodeId(nodeId, System.getenv()), logs, kubelet);
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

            @Override
            public void registerMetrics(PrometheusRegistry registry) {
                registry.register(deaths);
            }

            @Override
            public void close() {
                if (keeperChannel != null) {
                    keeperChannel.close();
                }
            }
        };
    }

    private Endpoint keeperEndpoint() throws UsageException {
        if (mountKeeper == null) {
            return null;
        }
        Endpoint keeper;
        try {
            keeper = Endpoint.parse(mountKeeper);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--mount-keeper: " + e.getMessage());
        }
        if (keeper.socket().normalize().equals(server.endpoint().socket().normalize())) {
            throw new UsageException("--mount-keeper must be the keeper's socket, not this plugin's --endpoint");
        }
        return keeper;
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
