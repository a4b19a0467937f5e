package io.converged.gluster.controller.shared;

import io.converged.gluster.csi.runtime.CsiException;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Logger;

/**
 * The shared pools' fill on the controller's {@code /metrics}, measured when scraped (at most once
 * per few seconds, however many gauges ask): {@code gluster_csi_pool_size_bytes},
 * {@code gluster_csi_pool_free_bytes}, {@code gluster_csi_pool_promised_bytes} (the claims' limits,
 * which may add up past the size) and {@code gluster_csi_pool_claims}, each by {@code pool}. Alert on
 * free bytes, not on promised ones.
 */
public final class PoolMetrics {
    private static final Logger LOG = Logger.getLogger(PoolMetrics.class.getName());
    private static final Duration FRESH = Duration.ofSeconds(5);

    private final Callable<List<PoolUsage>> measure;
    private List<PoolUsage> last = List.of();
    private long measuredAt;
    private boolean measured;

    /** @param measure what the pools hold now (a gluster call and a look at each pool's mount) */
    public PoolMetrics(Callable<List<PoolUsage>> measure) {
        this.measure = measure;
    }

    public void register(PrometheusRegistry registry) {
        gauge(registry, "gluster_csi_pool_size_bytes", "Size of each shared pool (statfs of its root)",
                PoolUsage::sizeBytes);
        gauge(registry, "gluster_csi_pool_free_bytes", "Free space of each shared pool (statfs of its root)",
                PoolUsage::freeBytes);
        gauge(registry, "gluster_csi_pool_promised_bytes", "Sum of the limits of each shared pool's claims",
                PoolUsage::promisedBytes);
        gauge(registry, "gluster_csi_pool_claims", "Claims in each shared pool", PoolUsage::claims);
    }

    private interface Figure {
        double of(PoolUsage usage);
    }

    private void gauge(PrometheusRegistry registry, String name, String help, Figure figure) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("pool")
                .callback(callback -> current().forEach(u -> callback.call(figure.of(u), u.pool())))
                .register(registry);
    }

    /** The last measurement if it is a few seconds old at most, else a new one (the last on failure). */
    synchronized List<PoolUsage> current() {
        long now = System.nanoTime();
        if (!measured || now - measuredAt > FRESH.toNanos()) {
            try {
                last = measure.call();
            } catch (CsiException e) {
                LOG.fine("cannot measure the shared pools: " + e.getMessage());
            } catch (Exception e) {
                LOG.warning("cannot measure the shared pools: " + e);
            }
            measured = true;
            measuredAt = now;
        }
        return last;
    }
}
