package io.converged.gluster.tools.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Order statistics of a sample of durations in milliseconds: nearest-rank percentiles, no interpolation. */
public final class Stats {
    private Stats() {
    }

    /** The nearest-rank percentile (0 < p ≤ 100) of the sample; NaN for an empty sample. */
    public static double percentile(List<Double> sample, double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (sample.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(sample);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    /** The median: the mean of the two middle values for an even count; NaN for an empty sample. */
    public static double median(List<Double> sample) {
        if (sample.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(sample);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** The arithmetic mean; NaN for an empty sample. */
    public static double mean(List<Double> sample) {
        return sample.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** measured / floor, or NaN when either is missing or the floor is zero. */
    public static double ratio(double measured, double floor) {
        if (Double.isNaN(measured) || Double.isNaN(floor) || floor == 0) {
            return Double.NaN;
        }
        return measured / floor;
    }
}
