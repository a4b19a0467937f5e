package io.converged.gluster.csi.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /readyz} on the metrics address: 200 when the server can do its work now, 503 with the
 * reason when it cannot (a kubelet readinessProbe reads it). It is not Probe: Probe answers whether
 * the process serves, which livenessprobe turns into liveness, and a restart cures nothing a
 * readiness failure reports. Any other path not served by the metrics server is 404.
 */
final class ReadinessEndpoint implements HttpHandler {
    static final String PATH = "/readyz";

    private final Readiness readiness;

    ReadinessEndpoint(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                respond(exchange, 404, "not found; metrics are at /metrics, readiness at " + PATH + "\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                respond(exchange, 405, "GET or HEAD\n");
            } else {
                Readiness.Status status;
                try {
                    status = readiness.check();
                } catch (RuntimeException e) {
                    status = Readiness.Status.notReady("readiness check failed: " + e);
                }
                respond(exchange, status.ready() ? 200 : 503,
                        status.ready() ? "ready\n" : "not ready: " + status.reason() + "\n");
            }
        }
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
