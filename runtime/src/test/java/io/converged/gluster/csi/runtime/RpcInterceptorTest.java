package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RpcInterceptorTest {
    private Server server;
    private ManagedChannel channel;
    private final Logger logger = Logger.getLogger(RpcInterceptor.class.getName());
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level savedLevel;
    private RpcMetrics metrics;

    /** A controller that refuses every CreateVolume, to see failed calls logged and counted. */
    static final class Refusing extends ControllerGrpc.ControllerImplBase {
        @Override
        public void createVolume(CreateVolumeRequest request,
                StreamObserver<io.converged.gluster.csi.v1.CreateVolumeResponse> out) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("parameter 'replica' must be 1, 2 or 3")
                    .asRuntimeException());
        }
    }

    @BeforeEach
    void captureLogs() {
        savedLevel = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(capture);
        metrics = new RpcMetrics();
    }

    @AfterEach
    void restoreLogs() {
        logger.removeHandler(capture);
        logger.setLevel(savedLevel);
        metrics.close();
        if (channel != null) {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    private ManagedChannel start() throws IOException {
        String name = InProcessServerBuilder.generateName();
        RpcInterceptor interceptor = new RpcInterceptor(metrics);
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(
                        new IdentityService(List.of(), () -> Readiness.Status.READY), interceptor))
                .addService(ServerInterceptors.intercept(new Refusing(), interceptor))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return channel;
    }

    private List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }

    @Test
    void logsMethodCodeAndDurationOncePerCall() throws IOException {
        IdentityGrpc.newBlockingStub(start()).getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
        assertThat(messages(Level.INFO)).singleElement().asString().matches("GetPluginInfo OK \\d+\\.\\d{3}s");
    }

    @Test
    void probeIsLoggedOnlyAtDebug() throws IOException {
        IdentityGrpc.newBlockingStub(start()).probe(ProbeRequest.getDefaultInstance());
        assertThat(messages(Level.INFO)).isEmpty();
        assertThat(messages(Level.FINE)).anyMatch(m -> m.startsWith("Probe OK"));
    }

    @Test
    void failuresAreLoggedWithCodeAndReasonButNeverSecrets() throws IOException {
        ControllerGrpc.ControllerBlockingStub stub = ControllerGrpc.newBlockingStub(start());
        CreateVolumeRequest request = CreateVolumeRequest.newBuilder().setName("pvc-9")
                .putParameters("replica", "7").putSecrets("token", "very-secret-token").build();
        assertThatThrownBy(() -> stub.createVolume(request)).isInstanceOf(StatusRuntimeException.class);
        assertThat(messages(Level.WARNING)).singleElement().asString()
                .startsWith("CreateVolume INVALID_ARGUMENT").endsWith("parameter 'replica' must be 1, 2 or 3");
        assertThat(messages(Level.FINE)).anyMatch(m -> m.contains("pvc-9"));
        assertThat(records).extracting(LogRecord::getMessage).noneMatch(m -> m.contains("very-secret-token"));
    }

    @Test
    void metricsCountCallsByMethodAndCodeOverHttp() throws Exception {
        metrics.serve(new InetSocketAddress("127.0.0.1", 0));
        ManagedChannel channel = start();
        IdentityGrpc.newBlockingStub(channel).probe(ProbeRequest.getDefaultInstance());
        IdentityGrpc.newBlockingStub(channel).probe(ProbeRequest.getDefaultInstance());
        assertThatThrownBy(() -> ControllerGrpc.newBlockingStub(channel)
                .createVolume(CreateVolumeRequest.newBuilder().setName("a").build()));

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body).contains("csi_rpc_total{code=\"OK\",method=\"Probe\"} 2.0");
        assertThat(body).contains("csi_rpc_total{code=\"INVALID_ARGUMENT\",method=\"CreateVolume\"} 1.0");
        assertThat(body).contains("csi_rpc_duration_seconds_bucket{code=\"OK\",method=\"Probe\",le=\"0.005\"}");
        assertThat(body).contains("jvm_memory_used_bytes");
    }

    @Test
    void oneLineFormatterPrintsLevelLoggerAndMessage() {
        LogRecord record = new LogRecord(Level.WARNING, "CreateVolume ABORTED 0.001s");
        record.setLoggerName("io.converged.gluster.csi.runtime.RpcInterceptor");
        String line = new LogSetup.OneLine().format(record);
        assertThat(line).matches("\\S+Z WARN  RpcInterceptor: CreateVolume ABORTED 0.001s\\n");
    }
}
