package io.converged.gluster.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianOfAnOddSampleIsItsMiddleValueWhateverTheOrder() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    }

    @Test
    void medianOfAnEvenSampleIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void percentileIsNearestRankWithoutInterpolation() {
        List<Double> sample = List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0);
        assertThat(Stats.percentile(sample, 95)).isEqualTo(100.0);
        assertThat(Stats.percentile(sample, 50)).isEqualTo(50.0);
        assertThat(Stats.percentile(sample, 10)).isEqualTo(10.0);
        assertThat(Stats.percentile(sample, 100)).isEqualTo(100.0);
        assertThat(Stats.percentile(List.of(7.0), 95)).isEqualTo(7.0);
    }

    @Test
    void emptySamplesAndMissingFloorsGiveNaNNotAnError() {
        assertThat(Stats.median(List.of())).isNaN();
        assertThat(Stats.percentile(List.of(), 95)).isNaN();
        assertThat(Stats.ratio(1.0, 0.0)).isNaN();
        assertThat(Stats.ratio(Double.NaN, 2.0)).isNaN();
        assertThat(Stats.ratio(3.0, 2.0)).isEqualTo(1.5);
        assertThat(Stats.mean(List.of())).isNaN();
        assertThat(Stats.mean(List.of(1.0, 2.0, 6.0))).isEqualTo(3.0);
    }

    @Test
    void percentileOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> Stats.percentile(List.of(1.0), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentile(List.of(1.0), 101)).isInstanceOf(IllegalArgumentException.class);
    }
}
