package io.converged.gluster.controller.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DisconnectTrackerTest {
    /** A clock the test moves by hand. */
    private static final class Hand extends Clock {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static PoolView.Member member(String uuid, boolean connected) {
        return new PoolView.Member("10.0.0." + uuid, List.of("10.0.0." + uuid), uuid, connected, Optional.empty());
    }

    @Test
    void aPeerCountsFromWhenItWasFirstSeenDisconnectedUntilItIsBack() {
        Hand clock = new Hand();
        DisconnectTracker tracker = new DisconnectTracker(clock);
        tracker.saw(List.of(member("1", true), member("2", false)));
        clock.now = clock.now.plusSeconds(40);
        tracker.saw(List.of(member("1", true), member("2", false)));
        assertThat(tracker.disconnectedFor("2")).isEqualTo(Duration.ofSeconds(40));
        assertThat(tracker.disconnectedFor("1")).isZero();

        tracker.saw(List.of(member("1", true), member("2", true)));
        assertThat(tracker.disconnectedFor("2")).isZero();
        tracker.saw(List.of(member("1", true), member("2", false)));
        clock.now = clock.now.plusSeconds(5);
        assertThat(tracker.disconnectedFor("2")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aPeerThatLeftThePoolIsForgotten() {
        Hand clock = new Hand();
        DisconnectTracker tracker = new DisconnectTracker(clock);
        tracker.saw(List.of(member("1", true), member("2", false)));
        tracker.saw(List.of(member("1", true)));
        clock.now = clock.now.plusSeconds(60);
        tracker.saw(List.of(member("1", true), member("2", false)));
        assertThat(tracker.disconnectedFor("2")).isZero();
    }
}
