package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VolumeLocksTest {
    private static final Duration LONG = Duration.ofHours(1);

    @Test
    void aCallFindingAnotherCallOnItsVolumeIsAbortedAtOnceWhateverTheWaitForBackgroundWork() throws Exception {
        VolumeLocks locks = new VolumeLocks(LONG);
        try (VolumeLocks.Held first = locks.acquire("vol1")) {
            CsiException busy = catchThrowableOfType(CsiException.class, () -> locks.acquire("vol1"));

            assertThat(busy.code()).isEqualTo(Status.Code.ABORTED);
            assertThat(busy).hasMessageContaining("vol1");
        }
    }

    @Test
    void aCallFindingBackgroundWorkOnItsVolumeWaitsForItAndThenHoldsTheVolume() throws Exception {
        VolumeLocks locks = new VolumeLocks(LONG);
        VolumeLocks.Held background = locks.tryAcquireInBackground("vol1");
        assertThat(background).isNotNull();
        CompletableFuture<VolumeLocks.Held> call = CompletableFuture.supplyAsync(() -> {
            try {
                return locks.acquire("vol1");
            } catch (CsiException e) {
                throw new IllegalStateException(e);
            }
        });
        // Still waiting while the background work holds the volume.
        Thread.sleep(200);
        assertThat(call).isNotDone();

        background.close();
        VolumeLocks.Held held = call.get(30, TimeUnit.SECONDS);

        assertThat(locks.isHeld("vol1")).isTrue();
        assertThat(locks.tryAcquireInBackground("vol1")).as("background work passes a busy volume by").isNull();
        held.close();
        assertThat(locks.isHeld("vol1")).isFalse();
    }

    @Test
    void aCallWaitsForBackgroundWorkOnlyUpToItsBoundThenIsAborted() {
        VolumeLocks locks = new VolumeLocks(Duration.ZERO);
        VolumeLocks.Held background = locks.tryAcquireInBackground("vol1");

        CsiException busy = catchThrowableOfType(CsiException.class, () -> locks.acquire("vol1"));

        assertThat(busy.code()).isEqualTo(Status.Code.ABORTED);
        background.close();
    }

    @Test
    void callsAndBackgroundWorkOnDifferentVolumesNeverWaitForEachOther() throws Exception {
        VolumeLocks locks = new VolumeLocks(LONG);
        VolumeLocks.Held background = locks.tryAcquireInBackground("vol1");

        try (VolumeLocks.Held other = locks.acquire("vol2")) {
            assertThat(locks.isHeld("vol2")).isTrue();
            assertThat(locks.tryAcquire("vol1")).isNull();
        }
        background.close();
        assertThat(locks.tryAcquire("vol1")).isNotNull();
    }
}
