package io.converged.gluster.controller;

import io.converged.gluster.controller.csi.ControllerService;
import io.converged.gluster.controller.peer.PeerSource;
import io.converged.gluster.controller.peer.PeersFile;
import io.converged.gluster.controller.peer.PoolFormation;
import io.converged.gluster.controller.peer.PoolKeeper;
import io.converged.gluster.controller.provision.BrickCarver;
import io.converged.gluster.controller.provision.GlusterProvisioner;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.runtime.Flags;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.LogSetup;
import io.converged.gluster.csi.runtime.Readiness;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.UsageException;
import io.grpc.BindableService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/** Starts the CSI controller server: the only place its parts are wired together. */
public final class ControllerMain {
    static {
        // First, before any logger exists (LOG below is one): the log manager that keeps shutdown logs.
        LogSetup.early();
    }

    private static final Logger LOG = Logger.getLogger(ControllerMain.class.getName());
    /**
     * Fault-injection switch for the reliability tests, never for production: with
     * {@code GLUSTER_CSI_CRASH_AT=STEP} (a {@link Step} name, e.g. {@code VOLUME_CREATED}) the process
     * halts with exit code 137, as after SIGKILL, the first time any volume completes that step.
     */
    static final String CRASH_AT = "GLUSTER_CSI_CRASH_AT";

    private ControllerMain() {
    }

    static Flags flags() {
        return ServerLauncher.standardFlags("gluster-csi-controller",
                "CSI controller for GlusterFS running converged in Kubernetes: turns volume requests into\n"
                        + "replicated, quota-capped gluster volumes on brick directories of the peer pods.",
                "unix:///csi/csi.sock")
                .option("peers-file", "", "local mode: read the peers from this file instead of Kubernetes"
                        + " (format: see PeersFile; deploy/local/up writes one)")
                .option("peer-namespace", "gluster", "namespace of the gluster peer pods")
                .option("peer-selector", "app.kubernetes.io/name=glusterfs-peer", "label selector of the peer pods")
                .option("peer-container", "glusterfs", "container of the peer pod that runs glusterd")
                .option("pool-check-interval", "30", "seconds between checks that every discovered peer is in the"
                        + " trusted pool (missing ones are probed in)")
                .option("allowed-brick-roots", "/mnt", "comma-separated directories a StorageClass brickRoot must"
                        + " lie in");
    }

    public static void main(String[] args) {
        int code = ServerLauncher.run(flags(), args, ControllerMain::assemble, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static ServerLauncher.Assembly assemble(Flags.Parsed flags) throws UsageException {
        List<String> allowedRoots = Arrays.stream(flags.get("allowed-brick-roots").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String root : allowedRoots) {
            if (!root.startsWith("/") || root.contains("..")) {
                throw new UsageException("--allowed-brick-roots needs absolute paths without '..', got '" + root + "'");
            }
        }
        if (allowedRoots.isEmpty()) {
            throw new UsageException("--allowed-brick-roots is empty; no StorageClass could place a brick");
        }
        PeerSource peers = peerSource(flags);
        GlusterProvisioner backend = new GlusterProvisioner(peers, new BrickCarver(Clock.systemUTC()),
                crashSwitch(System.getenv(CRASH_AT)), allowedRoots);
        ControllerService controller = new ControllerService(backend, allowedRoots);
        Readiness readiness = new CachedReadiness(() -> controller.ready()
                ? Readiness.Status.READY
                : Readiness.Status.notReady("no gluster peer answers (" + peers.describe() + ")"), Duration.ofSeconds(2));
        IdentityService identity = new IdentityService(
                List.of(IdentityService.controllerService(), IdentityService.onlineExpansion()), readiness);
        int interval = flags.getInt("pool-check-interval");
        if (interval < 1) {
            throw new UsageException("--pool-check-interval must be at least 1 second");
        }
        PoolKeeper keeper = new PoolKeeper(peers, new PoolFormation(), Duration.ofSeconds(interval));
        return new ServerLauncher.Assembly() {
            @Override
            public List<BindableService> services() {
                return List.of(identity, controller);
            }

            @Override
            public void started() {
                keeper.start();
            }

            @Override
            public void close() {
                keeper.close();
            }
        };
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

    private static PeerSource peerSource(Flags.Parsed flags) throws UsageException {
        String file = flags.get("peers-file");
        if (!file.isEmpty()) {
            Path path = Path.of(file);
            if (!Files.isReadable(path)) {
                throw new UsageException("--peers-file " + file + " cannot be read");
            }
            return new PeersFile(path);
        }
        return KubePeers.create(flags.get("peer-namespace"), flags.get("peer-selector"), flags.get("peer-container"));
    }
}
