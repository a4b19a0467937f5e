package io.converged.gluster.controller.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class CapacityTest {
    private static final long MIB = Capacity.MIB;
    private static final long GIB = Capacity.GIB;

    @Test
    void absentRangeGetsTheDefault() throws CsiException {
        assertThat(Capacity.choose(0, 0)).isEqualTo(GIB);
    }

    @Test
    void requiredIsRoundedUpToWholeMebibytes() throws CsiException {
        assertThat(Capacity.choose(5 * GIB, 0)).isEqualTo(5 * GIB);
        assertThat(Capacity.choose(100 * MIB + 1, 0)).isEqualTo(101 * MIB);
        assertThat(Capacity.choose(1, 0)).isEqualTo(16 * MIB);
    }

    @Test
    void onlyALimitGivesTheDefaultOrTheLimit() throws CsiException {
        assertThat(Capacity.choose(0, 10 * GIB)).isEqualTo(GIB);
        assertThat(Capacity.choose(0, 100 * MIB)).isEqualTo(100 * MIB);
    }

    @Test
    void sizeStaysWithinTheRange() throws CsiException {
        assertThat(Capacity.choose(100 * MIB, 100 * MIB)).isEqualTo(100 * MIB);
        assertThatThrownBy(() -> Capacity.choose(100 * MIB + 1, 100 * MIB + 10))
                .isInstanceOf(CsiException.class)
                .hasFieldOrPropertyWithValue("code", Status.Code.OUT_OF_RANGE).hasMessageContaining("whole MiB");
        assertThatThrownBy(() -> Capacity.choose(0, MIB)).hasMessageContaining("at least 16 MiB");
    }

    @Test
    void impossibleRangesAreOutOfRange() {
        assertThatThrownBy(() -> Capacity.choose(2 * GIB, GIB)).hasMessageContaining("is above limit_bytes");
        assertThatThrownBy(() -> Capacity.choose(-1, 0)).hasMessageContaining("negative");
        assertThatThrownBy(() -> Capacity.choose(Long.MAX_VALUE, 0)).hasMessageContaining("largest quota");
    }
}
