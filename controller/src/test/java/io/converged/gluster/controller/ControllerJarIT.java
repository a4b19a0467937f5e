package io.converged.gluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.testing.ServerJarContract;
import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.PluginCapability;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.converged.gluster.csi.v1.ProbeResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller jar as a process over its real unix socket, with a real pool behind it: the
 * contract of every server jar, and readiness that follows the peers while Probe does not.
 */
class ControllerJarIT extends ServerJarContract {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    @Override
    protected String jarName() {
        return "gluster-csi-controller.jar";
    }

    @Override
    protected List<String> extraFlags() {
        try {
            Path peers = dir.resolve("peers");
            Files.writeString(peers, POOL.pool().peersFileText());
            return List.of("--peers-file", peers.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected List<PluginCapability> expectedCapabilities() {
        return List.of(IdentityService.controllerService(), IdentityService.onlineExpansion());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls /readyz until it answers the code; returns the last answer. */
    private static HttpResponse<String> awaitReadyz(int port, int code, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        HttpResponse<String> answer = get(port, "/readyz");
        while (answer.statusCode() != code && System.nanoTime() < deadline) {
            Thread.sleep(500);
            answer = get(port, "/readyz");
        }
        return answer;
    }

    /** Probe the way livenessprobe asks it: the driver's name first, then Probe; its /healthz is 200 only if ready. */
    private static boolean livenessprobeWouldPass(Path socket) throws Exception {
        try (UnixChannel client = UnixChannel.open(new Endpoint(socket))) {
            var identity = IdentityGrpc.newBlockingStub(client.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
            identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
            ProbeResponse probe = identity.probe(ProbeRequest.getDefaultInstance());
            return !probe.hasReady() || probe.getReady().getValue();
        }
    }

    @Test
    void probeStaysReadyWhileEveryPeerIsDownAndReadinessSaysNotReadyUntilOneAnswersAgain() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        Path socket = dir.resolve("readiness.sock");
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--endpoint", "unix://" + socket,
                "--metrics-address=127.0.0.1:" + port));
        args.addAll(extraFlags());
        try (JarProcess controller = JarProcess.start(JarProcess.jar(jarName()), dir.resolve("readiness.log"),
                args.toArray(String[]::new))) {
            controller.awaitSocket(socket, Duration.ofSeconds(30));
            assertThat(awaitReadyz(port, 200, Duration.ofSeconds(20)).statusCode()).as(controller.output())
                    .isEqualTo(200);
            assertThat(get(port, "/metrics").body()).contains("gluster_csi_peers_answering 3.0");

            List<Integer> stopped = new ArrayList<>();
            try {
                for (LocalGlusterPool.Peer peer : pool.peers()) {
                    pool.stopGlusterd(peer.index());
                    stopped.add(peer.index());
                }
                HttpResponse<String> down = awaitReadyz(port, 503, Duration.ofSeconds(20));
                assertThat(down.statusCode()).as(controller.output()).isEqualTo(503);
                assertThat(down.body()).startsWith("not ready: no gluster peer answers (peers file ");
                // Several checks, each past the 2 s the answer is kept: the state is logged once, not per check.
                for (int i = 0; i < 3; i++) {
                    Thread.sleep(2500);
                    assertThat(livenessprobeWouldPass(socket)).as("Probe with every peer down").isTrue();
                    assertThat(get(port, "/readyz").statusCode()).isEqualTo(503);
                }
                assertThat(get(port, "/metrics").body()).contains("gluster_csi_peers_answering 0.0");
            } finally {
                for (int index : stopped) {
                    pool.startGlusterd(index);
                }
            }
            assertThat(awaitReadyz(port, 200, Duration.ofSeconds(60)).statusCode()).as(controller.output())
                    .isEqualTo(200);
            assertThat(livenessprobeWouldPass(socket)).isTrue();
            String log = controller.output();
            assertThat(log.lines().filter(l -> l.contains("not ready: no gluster peer answers"))).hasSize(1);
            assertThat(log.lines().filter(l -> l.contains("ready: ") && l.contains("gluster peer(s) answer")))
                    .hasSize(2);
        }
        pool.awaitConnected();
    }
}
