package io.converged.gluster.controller;

import io.converged.gluster.controller.admin.AdminService;
import io.converged.gluster.controller.csi.ControllerService;
import io.converged.gluster.controller.csi.QuotaRepairs;
import io.converged.gluster.controller.peer.HeldBack;
import io.converged.gluster.controller.peer.PeerSource;
import io.converged.gluster.controller.peer.PeersFile;
import io.converged.gluster.controller.peer.PoolFormation;
import io.converged.gluster.controller.peer.PoolKeeper;
import io.converged.gluster.controller.provision.BrickCarver;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.GlusterVolumes;
import io.converged.gluster.controller.provision.Layouts;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.controller.provision.VolumeCreator;
import io.converged.gluster.controller.provision.VolumeMetrics;
import io.converged.gluster.controller.provision.VolumeRemover;
import io.converged.gluster.controller.provision.VolumeWatch;
import io.converged.gluster.controller.replace.AutoReplacer;
import io.converged.gluster.controller.replace.BrickMoves;
import io.converged.gluster.controller.replace.DisconnectTracker;
import io.converged.gluster.controller.shared.PoolClaims;
import io.converged.gluster.controller.shared.PoolMetrics;
import io.converged.gluster.controller.shared.PoolMounts;
import io.converged.gluster.controller.snapshot.CopyMetrics;
import io.converged.gluster.controller.snapshot.Snapshotting;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.LogSetup;
import io.converged.gluster.csi.runtime.LoopbackServer;
import io.converged.gluster.csi.runtime.Readiness;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.ServerOptions;
import io.converged.gluster.csi.runtime.UsageException;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.grpc.BindableService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The controller server's command line, and the only place its parts are wired together. */
@Command(name = "gluster-csi-controller", mixinStandardHelpOptions = true,
        versionProvider = ServerLauncher.Version.class, sortOptions = false, usageHelpWidth = 100,
        description = "CSI controller for GlusterFS running converged in Kubernetes: turns volume requests into"
                + " replicated, quota-capped gluster volumes on brick directories of the peer pods.")
public final class ControllerMain implements ServerLauncher.ServerCommand {
    static {
        // First, before any logger exists (LOG below is one): the log manager that keeps shutdown logs;
        // and before any gRPC class loads, the lean buffer allocator.
        LogSetup.early();
        ServerLauncher.preferLowMemory();
    }

    private static final Logger LOG = Logger.getLogger(ControllerMain.class.getName());
    /**
     * Fault-injection switch for the reliability tests, never for production: with
     * {@code GLUSTER_CSI_CRASH_AT=STEP} (a {@link Step} name, e.g. {@code VOLUME_CREATED}) the process
     * halts with exit code 137, as after SIGKILL, the first time any volume completes that step.
     */
    static final String CRASH_AT = "GLUSTER_CSI_CRASH_AT";
    /** Where each pool mount's FUSE client logs, on the peer that holds the mount. */
    static final String POOL_LOG_DIR = "/var/log/glusterfs/csi-pools";

    @Mixin
    private ServerOptions server;

    @Option(names = "--peers-file", paramLabel = "FILE",
            description = "local mode: read the peers from this file instead of Kubernetes (one per line:"
                    + " ADDRESS GLUSTERD_SOCKET BRICK_PREFIX [zone=Z] [node=N]; deploy/local/up writes one)")
    private Path peersFile;

    @Option(names = "--peer-namespace", defaultValue = "gluster",
            description = "namespace of the gluster peer pods. Default: ${DEFAULT-VALUE}")
    private String peerNamespace;

    @Option(names = "--peer-selector", defaultValue = "app.kubernetes.io/name=glusterfs-peer",
            description = "label selector of the peer pods (Running and Ready ones are used)."
                    + " Default: ${DEFAULT-VALUE}")
    private String peerSelector;

    @Option(names = "--peer-container", defaultValue = "glusterfs",
            description = "container of the peer pod that runs glusterd. Default: ${DEFAULT-VALUE}")
    private String peerContainer;

    @Option(names = "--pool-check-interval", defaultValue = "30", paramLabel = "SECONDS",
            description = "seconds between checks that every discovered peer is in the trusted pool (missing ones"
                    + " are probed in). Default: ${DEFAULT-VALUE}")
    private int poolCheckSeconds;

    @Option(names = "--pool-mount-root", defaultValue = "/run/gluster-csi/pools", paramLabel = "DIR",
            description = "where the controller mounts each shared pool (as DIR/POOL) on the peer it runs its"
                    + " gluster commands on. Default: ${DEFAULT-VALUE}")
    private String poolMountRoot;

    @Option(names = "--health-interval", defaultValue = "60", paramLabel = "SECONDS",
            description = "seconds between rounds of gathering each volume's bricks online, heal backlog, split-brain"
                    + " entries and quota use for /metrics and ListVolumes (a scrape never asks gluster)."
                    + " Default: ${DEFAULT-VALUE}")
    private int healthSeconds;

    @Option(names = "--quota-check-interval", defaultValue = "300", paramLabel = "SECONDS",
            description = "seconds between checks that every volume's quota limit, quota and quota timeouts are as"
                    + " promised (each one missing is set again, logged and counted); the first check runs at"
                    + " start. Default: ${DEFAULT-VALUE}")
    private int quotaCheckSeconds;

    @Option(names = "--allowed-brick-roots", defaultValue = "/mnt", split = ",", paramLabel = "DIR[,DIR...]",
            description = "directories a StorageClass brickRoot must lie in. Default: ${DEFAULT-VALUE}")
    private List<String> allowedBrickRoots;

    @Option(names = "--replace-lost-peers-after", paramLabel = "DURATION", converter = Durations.class,
            description = "move the bricks of a peer that has been disconnected this long (e.g. 30m, 2h) to other"
                    + " peers by the placement rules, one volume at a time, never while another peer of the same"
                    + " volume is down (off when not given)")
    private Duration replaceLostPeersAfter;

    @Option(names = "--reset-cloned-peer-uuids",
            description = "give a discovered peer that shares its UUID with another (a node cloned from another's"
                    + " disk image) a new UUID, when it holds no bricks and knows no peers (off: only reported)")
    private boolean resetClonedPeerUuids;

    @Option(names = "--admin-address", paramLabel = "HOST:PORT",
            description = "also serve the CSI and admin APIs on this loopback TCP address, e.g. 127.0.0.1:9810, for"
                    + " kubectl port-forward (only loopback addresses; off when not given)")
    private String adminAddress;

    public static void main(String[] args) {
        int code = ServerLauncher.run(new ControllerMain(), args, System.out, System.err);
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
        List<String> roots = brickRoots(allowedBrickRoots);
        if (poolCheckSeconds < 1) {
            throw new UsageException("--pool-check-interval must be at least 1 second");
        }
        PeerSource discovered = peerSource();
        // Peers the controller detached are out of everyone's sight but the pool keeper's until
        // discovery drops them (HeldBack).
        HeldBack heldBack = new HeldBack();
        PeerSource peers = heldBack.filter(discovered);
        if (!poolMountRoot.startsWith("/") || poolMountRoot.contains("..") || poolMountRoot.equals("/")) {
            throw new UsageException("--pool-mount-root needs an absolute directory without '..', got '"
                    + poolMountRoot + "'");
        }
        if (healthSeconds < 1 || quotaCheckSeconds < 1) {
            throw new UsageException("--health-interval and --quota-check-interval must be at least 1 second");
        }
        Optional<InetSocketAddress> loopback = loopback(adminAddress);
        Step.Listener listener = crashSwitch(System.getenv(CRASH_AT));
        Backend backend = backend(peers, roots, poolMountRoot, listener);
        VolumeLocks locks = new VolumeLocks();
        ControllerService controller = new ControllerService(backend.volumes(), backend.snapshots(), roots, locks);
        VolumeWatch watch = new VolumeWatch(backend.trusted(), backend.pools()::claims,
                Duration.ofSeconds(healthSeconds), Clock.systemUTC());
        backend.dedicated().healFrom(watch);
        QuotaRepairs repairs = new QuotaRepairs(backend.volumes(), locks, Duration.ofSeconds(quotaCheckSeconds));
        PeersReadiness readiness = new PeersReadiness(backend.trusted()::peersAnswering, peers::describe,
                Duration.ofSeconds(2));
        // Probe: this process serves. Peers that do not answer make it not ready (/readyz), never restarted.
        IdentityService identity = new IdentityService(
                List.of(IdentityService.controllerService(), IdentityService.onlineExpansion()),
                () -> Readiness.Status.READY);
        PoolKeeper keeper = new PoolKeeper(discovered, new PoolFormation(Duration.ofSeconds(30),
                resetClonedPeerUuids), Duration.ofSeconds(poolCheckSeconds), heldBack);
        BrickMoves moves = new BrickMoves(backend.trusted(), backend.carver(), locks, listener,
                new DisconnectTracker(Clock.systemUTC()), heldBack::hold);
        Optional<AutoReplacer> auto = autoReplacer(moves, replaceLostPeersAfter, Duration.ofSeconds(poolCheckSeconds));
        AdminService admin = new AdminService(moves, keeper::clashes, auto);
        return new ServerLauncher.Assembly() {
            @Override
            public List<BindableService> services() {
                return List.of(identity, controller, admin);
            }

            @Override
            public Optional<InetSocketAddress> loopback() {
                return loopback;
            }

            @Override
            public void started() {
                keeper.start();
                watch.start();
                repairs.start();
                auto.ifPresent(AutoReplacer::start);
                // Copy mounts a stopped controller left on the peers, and snapshots it was copying.
                daemon(backend.snapshots()::resumeAll, "snapshot-resume").start();
            }

            @Override
            public void registerMetrics(PrometheusRegistry registry) {
                new PoolMetrics(backend.pools()::usage).register(registry);
                readiness.register(registry);
                new VolumeMetrics(watch::last).register(registry);
                repairs.register(registry);
                keeper.register(registry);
                auto.ifPresent(a -> a.register(registry));
                backend.copyMetrics().register(registry);
            }

            @Override
            public Readiness readiness() {
                return readiness;
            }

            @Override
            public void close() {
                auto.ifPresent(AutoReplacer::close);
                repairs.close();
                watch.close();
                keeper.close();
                backend.snapshots().close();
            }
        };
    }

    /**
     * The gluster backend and its parts: the trusted pool it asks (with the executor for placement's
     * lookups), the remover (volume stops one at a time), the creator, the shared-pool layout with
     * the mounts of its pools (mounted at {@code poolMountRoot} on a peer) and the thread that purges
     * deleted claims and snapshots, and the snapshots with their copies. One GID lock serves both layouts.
     */
    public static Backend backend(PeerSource peers, List<String> allowedBrickRoots, String poolMountRoot,
            Step.Listener listener) {
        Clock clock = Clock.systemUTC();
        BrickCarver carver = new BrickCarver(clock);
        TrustedPool trusted = new TrustedPool(peers, carver, daemons("placement-lookup"));
        VolumeRemover remover = new VolumeRemover(trusted, carver, listener, allowedBrickRoots,
                new ReentrantLock(true));
        ReentrantLock gids = new ReentrantLock();
        VolumeCreator creator = new VolumeCreator(trusted, carver, remover, listener, gids);
        PoolMounts mounts = new PoolMounts(trusted, poolMountRoot, POOL_LOG_DIR, Duration.ofSeconds(60));
        ExecutorService purger = Executors.newSingleThreadExecutor(task -> daemon(task, "pool-purge"));
        PoolClaims claims = new PoolClaims(trusted, creator, mounts, listener, gids, clock, purger);
        GlusterVolumes dedicated = new GlusterVolumes(trusted, creator, remover);
        VolumeBackend volumes = new Layouts(dedicated, claims);
        CopyMetrics copyMetrics = new CopyMetrics();
        Snapshotting snapshots = Snapshotting.of(trusted, creator, mounts, volumes, listener, clock, poolMountRoot,
                POOL_LOG_DIR, copyMetrics, purger);
        return new Backend(volumes, dedicated, claims, trusted, carver, snapshots, copyMetrics);
    }

    /**
     * The backend the CSI service uses; in it the dedicated layout (which takes heal figures from the
     * watch) and the shared-pool layout (for its metrics and the watch), the trusted pool they ask (for
     * readiness), the brick carver they use (brick moves use both too), and the snapshots and copies
     * (which make volumes through the backend).
     */
    public record Backend(VolumeBackend volumes, GlusterVolumes dedicated, PoolClaims pools, TrustedPool trusted,
            BrickCarver carver, Snapshotting snapshots, CopyMetrics copyMetrics) {
    }

    static Optional<AutoReplacer> autoReplacer(BrickMoves moves, Duration after, Duration interval)
            throws UsageException {
        if (after == null) {
            return Optional.empty();
        }
        if (after.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new UsageException("--replace-lost-peers-after must be at least 1s, got " + after);
        }
        return Optional.of(new AutoReplacer(moves, after, interval));
    }

    static Optional<InetSocketAddress> loopback(String address) throws UsageException {
        if (address == null || address.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LoopbackServer.parse(address.strip()));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--admin-address " + e.getMessage());
        }
    }

    /** A duration as a person writes it: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}, or ISO-8601. */
    static final class Durations implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String t = text.strip();
            try {
                if (t.toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
                    return Duration.parse(t);
                }
                if (t.length() >= 2) {
                    long n = Long.parseLong(t.substring(0, t.length() - 1));
                    switch (t.charAt(t.length() - 1)) {
                        case 's':
                            return Duration.ofSeconds(n);
                        case 'm':
                            return Duration.ofMinutes(n);
                        case 'h':
                            return Duration.ofHours(n);
                        case 'd':
                            return Duration.ofDays(n);
                        default:
                            break;
                    }
                }
            } catch (RuntimeException e) {
                // Falls through to the refusal below.
            }
            throw new TypeConversionException("expected a duration such as 90s, 30m, 2h or 1d, got '" + text + "'");
        }
    }

    private static ExecutorService daemons(String name) {
        return Executors.newCachedThreadPool(task -> daemon(task, name));
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    static List<String> brickRoots(List<String> flag) throws UsageException {
        List<String> roots = flag.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String root : roots) {
            if (!root.startsWith("/") || root.contains("..")) {
                throw new UsageException("--allowed-brick-roots needs absolute paths without '..', got '" + root + "'");
            }
        }
        if (roots.isEmpty()) {
            throw new UsageException("--allowed-brick-roots is empty; no StorageClass could place a brick");
        }
        return roots;
    }

    /** The listener {@link #CRASH_AT} asks for: none when unset, a halt at the named step otherwise. */
    static Step.Listener crashSwitch(String stepName) throws UsageException {
        if (stepName == null || stepName.isBlank()) {
            return Step.Listener.NONE;
        }
        Step crashAt;
        try {
            crashAt = Step.valueOf(stepName.strip());
        } catch (IllegalArgumentException e) {
            throw new UsageException(CRASH_AT + " must name a step " + Arrays.toString(Step.values()) + ", got '"
                    + stepName + "'");
        }
        LOG.warning("fault injection: " + CRASH_AT + "=" + crashAt + " halts this controller after that step");
        return (step, volume) -> {
            if (step == crashAt) {
                LOG.warning("fault injection: halting after " + step + " of volume " + volume);
                Runtime.getRuntime().halt(137);
            }
        };
    }

    private PeerSource peerSource() throws UsageException {
        if (peersFile != null) {
            if (!Files.isReadable(peersFile)) {
                throw new UsageException("--peers-file " + peersFile + " cannot be read");
            }
            return new PeersFile(peersFile);
        }
        return KubePeers.create(peerNamespace, peerSelector, peerContainer);
    }
}
