package io.converged.gluster.controller.gluster;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Bounded, jittered exponential backoff for transient lock contention: before attempt n+1 wait a
 * random time in [0, min(maxDelay, baseDelay * 2^(n-1))] ("full jitter"), so that callers that
 * collided do not collide again in lock step.
 *
 * @param maxAttempts attempts in all, the first included (at least 1)
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /**
     * 30 attempts, 50 ms growing to at most 1 s: rides out about twenty short operations queued on
     * one volume (each holds the lock about 0.1 s) and gives up after well under half a minute.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(30, Duration.ofMillis(50), Duration.ofSeconds(1));

    /** No retries: lock contention reaches the caller at once. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
        }
    }

    /** The wait before the attempt after {@code failedAttempt} (1 = the first attempt failed). */
    public Duration delayAfter(int failedAttempt, RandomGenerator random) {
        long base = baseDelay.toMillis();
        int shift = Math.min(failedAttempt - 1, 20);
        long ceiling = Math.min(maxDelay.toMillis(), base << shift);
        if (ceiling <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }
}
