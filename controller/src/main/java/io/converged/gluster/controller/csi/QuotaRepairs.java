package io.converged.gluster.controller.csi;

import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.csi.runtime.CsiException;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A volume answered OK keeps its limit: at start and then every interval, every volume whose quota
 * gluster does not show as promised (limit missing or different, quota off, timeouts not the class's)
 * is looked at again under its volume lock, so no CreateVolume or expansion of it runs meanwhile, and
 * repaired. Each repair is logged and counted in {@code gluster_csi_quota_repairs_total}; a volume
 * whose lock a CSI call holds is left to the next round.
 */
public final class QuotaRepairs implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(QuotaRepairs.class.getName());

    private final VolumeBackend backend;
    private final VolumeLocks locks;
    private final Duration interval;
    private final AtomicLong repairs = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private ScheduledExecutorService timer;

    public QuotaRepairs(VolumeBackend backend, VolumeLocks locks, Duration interval) {
        this.backend = backend;
        this.locks = locks;
        this.interval = interval;
    }

    /** Runs a round now (in the background) and then every interval. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "quota-repairs");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::roundQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void roundQuietly() {
        try {
            round();
        } catch (CsiException e) {
            LOG.warning("quota check: " + e.getMessage() + "; trying again in " + interval.toSeconds() + " s");
        } catch (RuntimeException e) {
            LOG.warning("quota check failed: " + e);
        }
    }

    /** One look at every volume; returns what was repaired. */
    public List<String> round() throws CsiException {
        List<String> suspects = backend.quotaSuspects();
        List<String> done = new java.util.ArrayList<>();
        for (String id : suspects) {
            VolumeLocks.Held held = locks.tryAcquireInBackground(id);
            if (held == null) {
                LOG.fine("quota check: " + id + " is busy; looking again next round");
                continue;
            }
            try (held) {
                Optional<String> repaired = backend.repairQuota(id);
                if (repaired.isPresent()) {
                    LOG.warning("quota check: " + repaired.get());
                    repairs.incrementAndGet();
                    done.add(repaired.get());
                }
            } catch (CsiException e) {
                LOG.warning("quota check: cannot repair " + id + " now: " + e.getMessage());
            }
        }
        rounds.incrementAndGet();
        return done;
    }

    /** Repairs made since start. */
    public long repairs() {
        return repairs.get();
    }

    public void register(PrometheusRegistry registry) {
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("gluster_csi_quota_repairs_total")
                .help("Quota limits, quota enables and quota timeouts the periodic check found missing and set again")
                .callback(callback -> callback.call(repairs.get())).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("gluster_csi_quota_checks_total")
                .help("Rounds of the periodic quota check that looked at every volume")
                .callback(callback -> callback.call(rounds.get())).register(registry);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
