package io.converged.gluster.controller.replace;

import io.converged.gluster.controller.replace.PoolView.Member;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Since when each member of the pool has been seen disconnected, by UUID. Gluster does not say how
 * long a peer has been away, so this is the controller's own observation: it starts when the
 * controller first sees the peer disconnected (a restarted controller starts counting anew, which
 * only ever waits longer) and ends when the peer is connected again or leaves the pool.
 */
public final class DisconnectTracker {
    private final Clock clock;
    private final Map<String, Instant> since = new ConcurrentHashMap<>();

    public DisconnectTracker(Clock clock) {
        this.clock = clock;
    }

    /** Notes what a look at the pool found. */
    void saw(List<Member> members) {
        Instant now = clock.instant();
        Set<String> present = new HashSet<>();
        for (Member m : members) {
            present.add(m.uuid());
            if (m.connected()) {
                since.remove(m.uuid());
            } else {
                since.putIfAbsent(m.uuid(), now);
            }
        }
        since.keySet().retainAll(present);
    }

    /** How long the member has been seen disconnected; zero when connected or not seen yet. */
    public Duration disconnectedFor(String uuid) {
        Instant first = since.get(uuid);
        return first == null ? Duration.ZERO : Duration.between(first, clock.instant());
    }
}
