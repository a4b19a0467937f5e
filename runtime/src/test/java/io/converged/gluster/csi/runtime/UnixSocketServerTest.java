package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.grpc.BindableService;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketServerTest {
    @TempDir
    Path dir;

    private static List<BindableService> identity() {
        return List.of(new IdentityService(List.of(), () -> Readiness.Status.READY));
    }

    private UnixSocketServer start(Path socket) throws IOException {
        return UnixSocketServer.start(new Endpoint(socket), identity(), new RpcInterceptor(null));
    }

    @Test
    void servesIdentityOverARealSocketAndRemovesItOnStop() throws IOException {
        Path socket = dir.resolve("sub/csi.sock");
        UnixSocketServer server = start(socket);
        try (UnixChannel client = UnixChannel.open(new Endpoint(socket))) {
            var stub = IdentityGrpc.newBlockingStub(client.channel());
            assertThat(stub.getPluginInfo(GetPluginInfoRequest.getDefaultInstance()).getName())
                    .isEqualTo(Driver.NAME);
            assertThat(stub.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void refusesASocketALiveServerHolds() throws IOException {
        Path socket = dir.resolve("csi.sock");
        UnixSocketServer first = start(socket);
        try {
            assertThatThrownBy(() -> start(socket))
                    .isInstanceOf(SocketInUseException.class)
                    .hasMessageContaining("another server is listening on " + socket);
            try (UnixChannel client = UnixChannel.open(new Endpoint(socket))) {
                assertThat(IdentityGrpc.newBlockingStub(client.channel())
                        .getPluginInfo(GetPluginInfoRequest.getDefaultInstance()).getName()).isEqualTo(Driver.NAME);
            }
        } finally {
            first.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void replacesAStaleSocketNobodyAnswers() throws IOException {
        Path socket = dir.resolve("stale.sock");
        // A socket file whose listener is gone, as a killed server leaves it.
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        UnixSocketServer server = start(socket);
        try (UnixChannel client = UnixChannel.open(new Endpoint(socket))) {
            assertThat(IdentityGrpc.newBlockingStub(client.channel())
                    .probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void neverDeletesARegularFileInTheSocketsPlace() throws IOException {
        Path file = dir.resolve("not-a-socket");
        Files.writeString(file, "precious");
        assertThatThrownBy(() -> start(file)).hasMessageContaining("is not a socket");
        assertThat(file).hasContent("precious");
    }
}
