package io.converged.gluster.controller.it;

import io.converged.gluster.controller.ControllerMain;
import io.converged.gluster.controller.csi.ControllerService;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.peer.PeersFile;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.Readiness;
import io.converged.gluster.csi.runtime.RpcInterceptor;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.runtime.UnixSocketServer;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The controller's services on a real unix socket in the test's JVM, over a test pool's peers
 * file, with each peer's brick root {@code /mnt/brick1} in place (what a hostPath gives a pod).
 */
final class SocketController implements AutoCloseable {
    static final String ROOT = "/mnt/brick1";
    /** Where the controller mounts shared pools, below each peer's brick prefix (so the pool's teardown finds them). */
    static final String POOL_MOUNTS = "/run/gluster-csi/pools";

    private final UnixSocketServer server;
    private final UnixChannel channel;
    private final GlusterCli gluster;
    private final ControllerMain.Backend parts;

    private SocketController(UnixSocketServer server, UnixChannel channel, GlusterCli gluster,
            ControllerMain.Backend parts) {
        this.server = server;
        this.channel = channel;
        this.gluster = gluster;
        this.parts = parts;
    }

    /** The backend the controller serves from (for background work a test runs by hand, such as a quota check). */
    VolumeBackend backend() {
        return parts.volumes();
    }

    /** Starts the controller in {@code dir}; the listener hears every provisioning step. */
    static SocketController start(LocalGlusterPool pool, Path dir, Step.Listener listener) throws IOException {
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(peer.local(ROOT));
        }
        Path peersFile = dir.resolve("peers");
        Files.writeString(peersFile, pool.peersFileText());
        ControllerMain.Backend backend = ControllerMain.backend(new PeersFile(peersFile), List.of("/mnt"),
                POOL_MOUNTS, listener);
        ControllerService controller = new ControllerService(backend.volumes(), backend.snapshots(), List.of("/mnt"));
        IdentityService identity = new IdentityService(List.of(IdentityService.controllerService()),
                () -> controller.ready() ? Readiness.Status.READY : Readiness.Status.notReady("no peer"));
        Endpoint endpoint = new Endpoint(dir.resolve("controller.sock"));
        UnixSocketServer server = UnixSocketServer.start(endpoint, List.<BindableService>of(identity, controller),
                new RpcInterceptor(null));
        return new SocketController(server, UnixChannel.open(endpoint),
                new GlusterCli(new LocalCommandRunner(), pool.peer(1).cli()), backend);
    }

    /** A stub on the controller's socket, without a deadline (callers set their own). */
    ControllerGrpc.ControllerBlockingStub stub() {
        return ControllerGrpc.newBlockingStub(channel.channel());
    }

    /** The backend and its parts, as the controller's main wires them (the copies' metrics, say). */
    ControllerMain.Backend parts() {
        return parts;
    }

    /** The gluster CLI of peer 1, to check what the controller did. */
    GlusterCli gluster() {
        return gluster;
    }

    @Override
    public void close() {
        channel.close();
        server.stop(Duration.ofSeconds(5));
        parts.snapshots().close();
    }
}
