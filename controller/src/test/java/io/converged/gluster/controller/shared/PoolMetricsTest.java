package io.converged.gluster.controller.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.runtime.CsiException;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The shared pools' gauges: what a scrape shows, and that one scrape measures the pools once. */
class PoolMetricsTest {
    private final AtomicInteger measured = new AtomicInteger();

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, registry.scrape());
        return text.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aScrapeShowsEachPoolsSizeFreeSpacePromisedBytesAndClaimsMeasuredOnce() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        new PoolMetrics(() -> {
            measured.incrementAndGet();
            return List.of(new PoolUsage("p1", 1000, 400, 3, 1500), new PoolUsage("p2", 2000, 2000, 0, 0));
        }).register(registry);

        String text = scrape(registry);

        assertThat(text).contains("gluster_csi_pool_size_bytes{pool=\"p1\"} 1000.0",
                "gluster_csi_pool_free_bytes{pool=\"p1\"} 400.0",
                "gluster_csi_pool_promised_bytes{pool=\"p1\"} 1500.0",
                "gluster_csi_pool_claims{pool=\"p1\"} 3.0",
                "gluster_csi_pool_claims{pool=\"p2\"} 0.0");
        assertThat(measured).hasValue(1);
    }

    @Test
    void aPoolThatCannotBeMeasuredKeepsTheLastFiguresAndTheScrapeStillAnswers() throws Exception {
        PoolMetrics metrics = new PoolMetrics(() -> {
            if (measured.incrementAndGet() > 1) {
                throw CsiException.unavailable("no peer answers");
            }
            return List.of(new PoolUsage("p1", 1000, 400, 3, 1500));
        });
        assertThat(metrics.current()).hasSize(1);
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics.register(registry);

        assertThat(scrape(registry)).contains("gluster_csi_pool_free_bytes{pool=\"p1\"} 400.0");
    }
}
