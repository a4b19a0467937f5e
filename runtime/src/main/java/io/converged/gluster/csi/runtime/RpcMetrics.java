package io.converged.gluster.csi.runtime;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Prometheus metrics of the CSI calls a server answers, plus the JVM's basics, on {@code /metrics};
 * the same HTTP server answers {@code /readyz}.
 */
public final class RpcMetrics implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter calls;
    private final Histogram latency;
    private HTTPServer http;

    public RpcMetrics() {
        calls = Counter.builder()
                .name("csi_rpc")
                .help("CSI calls answered, by method and gRPC status code")
                .labelNames("method", "code")
                .register(registry);
        latency = Histogram.builder()
                .name("csi_rpc_duration_seconds")
                .help("Time to answer a CSI call, by method and gRPC status code")
                .labelNames("method", "code")
                .classicOnly()
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
                .register(registry);
    }

    /** Records one answered call. */
    public void record(String method, String code, double seconds) {
        calls.labelValues(method, code).inc();
        latency.labelValues(method, code).observe(seconds);
    }

    /** Serves {@code /metrics} on the address (host:port), with JVM metrics registered too. */
    public void serve(InetSocketAddress address) throws IOException {
        serve(address, () -> Readiness.Status.READY);
    }

    /** Serves {@code /metrics} and, answering from the readiness, {@code /readyz} on the address. */
    public void serve(InetSocketAddress address, Readiness readiness) throws IOException {
        JvmMetrics.builder().register(registry);
        http = HTTPServer.builder()
                .hostname(address.getHostString())
                .port(address.getPort())
                .registry(registry)
                .defaultHandler(new ReadinessEndpoint(readiness))
                .buildAndStart();
    }

    /** The port actually bound (useful when asked for port 0). */
    public int port() {
        return http == null ? -1 : http.getPort();
    }

    /** Where a server registers metrics of its own. */
    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
