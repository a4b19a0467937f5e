package io.converged.gluster.controller;

import io.converged.gluster.csi.runtime.Readiness;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The controller's readiness: at least one gluster peer answers. Asked by {@code /readyz} (the
 * kubelet's readinessProbe) and by the {@code gluster_csi_peers_answering} gauge when scraped, at
 * most once per period however often they ask. Each change is logged once (a check that finds what
 * the last one found says nothing). Probe does not use it: peers that do not answer are no reason to
 * restart the controller, only to take it out of readiness until they do.
 */
final class PeersReadiness implements Readiness {
    private static final Logger LOG = Logger.getLogger(PeersReadiness.class.getName());
    static final String GAUGE = "gluster_csi_peers_answering";

    private final IntSupplier answering;
    private final Supplier<String> where;
    private final long periodNanos;
    private final LongSupplier clock;
    private int last = -1;
    private long checkedAt;

    /**
     * @param answering how many peers answer now (a gluster call)
     * @param where where the peers are looked for, for the log and the reason
     */
    PeersReadiness(IntSupplier answering, Supplier<String> where, Duration period) {
        this(answering, where, period, System::nanoTime);
    }

    PeersReadiness(IntSupplier answering, Supplier<String> where, Duration period, LongSupplier clock) {
        this.answering = answering;
        this.where = where;
        this.periodNanos = period.toNanos();
        this.clock = clock;
    }

    /** How many peers answer, asked again when the last answer is older than the period. */
    synchronized int answering() {
        long now = clock.getAsLong();
        if (last < 0 || now - checkedAt > periodNanos) {
            int count = answering.getAsInt();
            checkedAt = now;
            if (count == 0 && last != 0) {
                LOG.warning("not ready: no gluster peer answers (" + where.get() + "); Probe still answers ready, so"
                        + " the controller is not restarted; it is ready again when a peer answers");
            } else if (count > 0 && last <= 0) {
                LOG.info("ready: " + count + " gluster peer(s) answer");
            }
            last = count;
        }
        return last;
    }

    @Override
    public Status check() {
        return answering() > 0 ? Status.READY
                : Status.notReady("no gluster peer answers (" + where.get() + ")");
    }

    void register(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name(GAUGE)
                .help("Gluster peers whose glusterd answers, as the trusted pool sees them (0: the controller is"
                        + " not ready)")
                .callback(callback -> callback.call(answering()))
                .register(registry);
    }
}
