package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.CsiException;

/**
 * Chooses a volume's size from a CSI capacity range. Gluster quotas are set in whole mebibytes, so
 * sizes are rounded up to one; a request without a range gets {@link #DEFAULT_BYTES}.
 */
public final class Capacity {
    public static final long MIB = 1024L * 1024;
    public static final long GIB = 1024 * MIB;
    /** The size of a volume whose claim names none (CSI allows an absent capacity range). */
    public static final long DEFAULT_BYTES = GIB;
    /** The smallest volume: gluster's quota needs room for its own bookkeeping. */
    public static final long MINIMUM_BYTES = 16 * MIB;
    /** The largest quota limit gluster accepts (a signed 64-bit byte count, kept well clear). */
    public static final long MAXIMUM_BYTES = 1L << 60;

    private Capacity() {
    }

    /**
     * The size to provision for {@code required ≤ size ≤ limit} (0 meaning unset, as in CSI).
     *
     * @throws CsiException when no whole-MiB size in the range is allowed
     */
    public static long choose(long requiredBytes, long limitBytes) throws CsiException {
        if (requiredBytes < 0 || limitBytes < 0) {
            throw CsiException.outOfRange("capacity_range may not be negative (required " + requiredBytes
                    + ", limit " + limitBytes + ")");
        }
        if (limitBytes > 0 && requiredBytes > limitBytes) {
            throw CsiException.outOfRange("capacity_range required_bytes " + requiredBytes
                    + " is above limit_bytes " + limitBytes);
        }
        long wanted = requiredBytes > 0 ? requiredBytes : limitBytes > 0 ? Math.min(DEFAULT_BYTES, limitBytes)
                : DEFAULT_BYTES;
        if (wanted > MAXIMUM_BYTES) {
            throw CsiException.outOfRange("capacity " + wanted + " bytes is above the largest quota, "
                    + MAXIMUM_BYTES + " bytes");
        }
        long size = Math.max(roundUpToMib(wanted), MINIMUM_BYTES);
        if (limitBytes > 0 && size > limitBytes) {
            throw CsiException.outOfRange("the smallest size this driver can provision for the range is "
                    + size + " bytes (whole MiB, at least " + MINIMUM_BYTES / MIB + " MiB), above limit_bytes "
                    + limitBytes);
        }
        return size;
    }

    static long roundUpToMib(long bytes) {
        return ((bytes + MIB - 1) / MIB) * MIB;
    }
}
