package io.converged.gluster.controller.snapshot;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The copies on the controller's {@code /metrics}, by {@code kind} ({@code snapshot}, {@code restore}):
 * {@code gluster_csi_copies_running} (queued or running now), {@code gluster_csi_copied_bytes_total}
 * (bytes written by copies, measured as they run) and {@code gluster_csi_copies_finished_total} by
 * {@code outcome} ({@code done}, {@code failed}). A copy's progress is also in the log every 30 s.
 */
public final class CopyMetrics {
    private final Counter copied = Counter.builder().name("gluster_csi_copied_bytes")
            .help("Bytes written by snapshot and restore copies, by kind").labelNames("kind").build();
    private final Counter finished = Counter.builder().name("gluster_csi_copies_finished")
            .help("Copies that ended, by kind and outcome").labelNames("kind", "outcome").build();
    private volatile Copies copies;

    public CopyMetrics() {
        for (CopyJob.Kind kind : CopyJob.Kind.values()) {
            copied.labelValues(kind.label());
            finished.labelValues(kind.label(), "done");
            finished.labelValues(kind.label(), "failed");
        }
    }

    /** Serves the metrics from the registry; the gauge counts the copies of the {@link Snapshotting} given these. */
    public void register(PrometheusRegistry registry) {
        registry.register(copied);
        registry.register(finished);
        GaugeWithCallback.builder().name("gluster_csi_copies_running").help("Copies queued or running, by kind")
                .labelNames("kind").callback(callback -> {
                    Copies watched = copies;
                    for (CopyJob.Kind kind : CopyJob.Kind.values()) {
                        long running = watched == null ? 0 : watched.all().stream()
                                .filter(job -> job.kind == kind && !job.finished()).count();
                        callback.call(running, kind.label());
                    }
                }).register(registry);
    }

    void watch(Copies watched) {
        copies = watched;
    }

    void copied(CopyJob.Kind kind, long bytes) {
        copied.labelValues(kind.label()).inc(bytes);
    }

    void finished(CopyJob.Kind kind, boolean done) {
        finished.labelValues(kind.label(), done ? "done" : "failed").inc();
    }
}
