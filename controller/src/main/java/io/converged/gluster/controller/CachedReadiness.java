package io.converged.gluster.controller;

import io.converged.gluster.csi.runtime.Readiness;
import java.time.Duration;

/** Readiness that asks the peers at most once per period: Probe is called often, gluster is slow. */
final class CachedReadiness implements Readiness {
    private final Readiness check;
    private final long periodNanos;
    private volatile Status last;
    private volatile long checkedAt;

    CachedReadiness(Readiness check, Duration period) {
        this.check = check;
        this.periodNanos = period.toNanos();
    }

    @Override
    public synchronized Status check() {
        long now = System.nanoTime();
        if (last == null || now - checkedAt > periodNanos) {
            last = check.check();
            checkedAt = now;
        }
        return last;
    }
}
