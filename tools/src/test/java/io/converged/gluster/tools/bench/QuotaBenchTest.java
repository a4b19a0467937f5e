package io.converged.gluster.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaBenchTest {
    @Test
    void throughputIsMebibytesPerSecondAndNothingWithoutElapsedTime() {
        assertThat(QuotaBench.mibPerSecond(64L << 20, 2_000_000_000L)).isEqualTo(32.0);
        assertThat(QuotaBench.mibPerSecond(64L << 20, 0)).isNaN();
    }

    @Test
    void aRateShowsTheMedianAndTheRangeOfTheRounds() {
        assertThat(QuotaBench.rate(List.of(40.0, 38.04, 44.46))).isEqualTo("40.0 (38.0-44.5)");
        assertThat(QuotaBench.rate(List.of())).isEqualTo("-");
    }

    @Test
    void theCostAgainstLooseIsARatioAndTheShareLost() {
        assertThat(QuotaBench.costVersus(81.0, 100.0)).isEqualTo("0.81x (-19%)");
        assertThat(QuotaBench.costVersus(105.0, 100.0)).isEqualTo("1.05x (+5%)");
        assertThat(QuotaBench.costVersus(50.0, Double.NaN)).isEqualTo("-");
    }

    @Test
    void anOvershootWithoutARefusalIsOnlyALowerBound() {
        assertThat(QuotaBench.overshoot(201, 200, true)).isEqualTo("1 MiB");
        assertThat(QuotaBench.overshoot(198, 200, true)).isEqualTo("-2 MiB");
        assertThat(QuotaBench.overshoot(400, 200, false)).isEqualTo(">= 200 MiB (no write refused)");
    }
}
