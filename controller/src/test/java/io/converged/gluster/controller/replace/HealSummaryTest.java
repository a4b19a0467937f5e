package io.converged.gluster.controller.replace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The heal summary as GlusterFS 10.3's heal-info tool prints it (captured from a local pool). */
class HealSummaryTest {
    private static final String DEGRADED = """
            Brick 127.1.9.1:/tmp/p1/root/mnt/brick1/v3/brick
            Status: Connected
            Total Number of entries: 57
            Number of entries in heal pending: 57
            Number of entries in split-brain: 0
            Number of entries possibly healing: 0

            Brick 127.1.9.2:/tmp/p2/root/mnt/brick1/v3/brick
            Status: Connected
            Total Number of entries: 57
            Number of entries in heal pending: 56
            Number of entries in split-brain: 1
            Number of entries possibly healing: 0

            Brick 127.1.9.3:/tmp/p3/root/mnt/brick1/v3/brick
            Status: Transport endpoint is not connected
            Total Number of entries: -
            Number of entries in heal pending: -
            Number of entries in split-brain: -
            Number of entries possibly healing: -

            """;

    private static final String HEALED = """
            Brick 127.1.9.1:/tmp/p1/root/mnt/brick1/v3/brick
            Status: Connected
            Total Number of entries: 0
            Number of entries in heal pending: 0
            Number of entries in split-brain: 0
            Number of entries possibly healing: 0

            Brick 127.1.9.4:/tmp/p4/root/mnt/brick1/v3/brick
            Status: Connected
            Total Number of entries: 0
            Number of entries in heal pending: 0
            Number of entries in split-brain: 0
            Number of entries possibly healing: 0
            """;

    @Test
    void aDegradedVolumeCountsWhatTheAnsweringBricksListAndIsNotHealed() {
        HealSummary heal = HealSummary.parse("v3", DEGRADED);
        assertThat(heal.bricks()).hasSize(3);
        assertThat(heal.pending()).isEqualTo(114);
        assertThat(heal.splitBrain()).isEqualTo(1);
        assertThat(heal.healed()).isFalse();
        HealSummary.BrickHeal lost = heal.bricks().get(2);
        assertThat(lost.brick()).isEqualTo("127.1.9.3:/tmp/p3/root/mnt/brick1/v3/brick");
        assertThat(lost.connected()).isFalse();
        assertThat(lost.status()).isEqualTo("Transport endpoint is not connected");
        assertThat(lost.total()).isEqualTo(OptionalLong.empty());
        assertThat(heal.bricks().get(1).pending()).isEqualTo(OptionalLong.of(56));
    }

    @Test
    void everyBrickAnsweringWithNothingToHealIsHealed() {
        HealSummary heal = HealSummary.parse("v3", HEALED);
        assertThat(heal.healed()).isTrue();
        assertThat(heal.pending()).isZero();
    }

    @Test
    void theIndexHealFormWithoutTotalsIsReadToo() {
        HealSummary heal = HealSummary.parse("v", "Brick a:/b\nStatus: Connected\nNumber of entries: 3\n");
        assertThat(heal.pending()).isEqualTo(3);
    }

    @Test
    void textWithoutABrickIsRefusedWithWhatGlusterSaid() {
        assertThatThrownBy(() -> HealSummary.parse("v3", "v3: Not able to fetch volfile from glusterd\n"
                + "Volume heal failed.\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not able to fetch volfile");
    }
}
