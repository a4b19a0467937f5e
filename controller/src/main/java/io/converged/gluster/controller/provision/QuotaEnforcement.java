package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.CsiException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How strictly a volume's quota holds its size: gluster's quota timeouts, in seconds, for how long a
 * brick trusts the usage it last saw below ({@code soft}) and above ({@code hard}) the soft limit
 * (80% of the size). Measured here (BENCHMARKS.md): with both at 0 writes past the size fail within
 * one write, at the cost of write throughput; 2 and 0 let about two seconds of writes through; gluster's
 * defaults (60 and 5) let a claim overrun for up to a minute. The StorageClass parameter
 * {@code quotaEnforcement} chooses; a pool's classes must agree on it.
 */
public enum QuotaEnforcement {
    /** Both timeouts 0: the limit holds within one write. The default. */
    STRICT("strict", 0, 0),
    /** Soft 2 s, hard 0: writes may run about two seconds past the size, at more throughput. */
    BALANCED("balanced", 2, 0),
    /** Gluster's own defaults: the size is reached within a minute, writes at full speed. */
    LOOSE("loose", 60, 5);

    public static final String SOFT_TIMEOUT = "features.soft-timeout";
    public static final String HARD_TIMEOUT = "features.hard-timeout";

    private final String value;
    private final int softSeconds;
    private final int hardSeconds;

    QuotaEnforcement(String value, int softSeconds, int hardSeconds) {
        this.value = value;
        this.softSeconds = softSeconds;
        this.hardSeconds = hardSeconds;
    }

    public String value() {
        return value;
    }

    public int softSeconds() {
        return softSeconds;
    }

    public int hardSeconds() {
        return hardSeconds;
    }

    /** The volume options that set it, in one {@code volume set} with the rest of the metadata. */
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(SOFT_TIMEOUT, Integer.toString(softSeconds));
        options.put(HARD_TIMEOUT, Integer.toString(hardSeconds));
        return options;
    }

    /** Whether gluster shows this enforcement's timeouts on a volume with these options. */
    public boolean setOn(Map<String, String> volumeOptions) {
        return Integer.toString(softSeconds).equals(volumeOptions.get(SOFT_TIMEOUT))
                && Integer.toString(hardSeconds).equals(volumeOptions.get(HARD_TIMEOUT));
    }

    public static QuotaEnforcement parse(String text) throws CsiException {
        return find(text.strip()).orElseThrow(() -> CsiException.invalidArgument("parameter 'quotaEnforcement'"
                + " must be one of " + Arrays.stream(values()).map(QuotaEnforcement::value).toList() + ", got '"
                + text + "'"));
    }

    static Optional<QuotaEnforcement> find(String value) {
        return Arrays.stream(values()).filter(e -> e.value.equals(value)).findFirst();
    }
}
