package io.converged.gluster.controller.gluster;

import java.util.OptionalLong;

/**
 * One line of {@code gluster volume quota V list PATH --xml}. Values gluster shows as N/A (no limit
 * set yet) are empty.
 */
public record QuotaLimit(String path, OptionalLong hardLimitBytes, OptionalLong usedBytes,
        OptionalLong availableBytes) {

    public boolean limited() {
        return hardLimitBytes.isPresent();
    }
}
