package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The metrics server answers /readyz from the server's readiness, beside /metrics. */
class ReadinessEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyzIs200WhenReadyAnd503WithTheReasonWhenNotWhileMetricsStayServed() throws Exception {
        AtomicReference<Readiness.Status> status = new AtomicReference<>(Readiness.Status.READY);
        try (RpcMetrics metrics = new RpcMetrics()) {
            metrics.serve(new InetSocketAddress("127.0.0.1", 0), status::get);
            int port = metrics.port();

            assertThat(get(port, "/readyz", "GET").statusCode()).isEqualTo(200);
            assertThat(get(port, "/readyz", "GET").body()).isEqualTo("ready\n");
            status.set(Readiness.Status.notReady("no gluster peer answers"));
            HttpResponse<String> notReady = get(port, "/readyz", "GET");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("not ready: no gluster peer answers\n");
            assertThat(get(port, "/readyz", "HEAD").statusCode()).isEqualTo(503);
            assertThat(get(port, "/readyz", "POST").statusCode()).isEqualTo(405);
            assertThat(get(port, "/nothing", "GET").statusCode()).isEqualTo(404);
            HttpResponse<String> scrape = get(port, "/metrics", "GET");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains("jvm_memory");
        }
    }

    @Test
    void aReadinessCheckThatThrowsIsNotReadyNotAnError() throws Exception {
        try (RpcMetrics metrics = new RpcMetrics()) {
            metrics.serve(new InetSocketAddress("127.0.0.1", 0), () -> {
                throw new IllegalStateException("boom");
            });
            HttpResponse<String> answer = get(metrics.port(), "/readyz", "GET");
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("readiness check failed", "boom");
        }
    }
}
