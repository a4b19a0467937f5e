package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.VolumeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a gluster volume that exists differs from what is asked of it, in words a person can act on:
 * a dedicated volume found by a retried CreateVolume, or a shared pool a StorageClass names. Empty
 * when they agree. Pure.
 */
public final class Differences {
    private Differences() {
    }

    /** A dedicated volume against the request that would have made it: size and layout. */
    public static List<String> ofDedicated(VolumeInfo info, VolumeRequest request) {
        List<String> differences = new ArrayList<>();
        long capacity = VolumeMetadata.capacity(info.options());
        if (capacity != request.capacityBytes()) {
            differences.add("capacity " + capacity + " bytes, asked " + request.capacityBytes());
        }
        differences.addAll(layout(info, request.parameters()));
        return differences;
    }

    /**
     * A shared pool against a StorageClass that names it: replica, arbiter and brick root must agree,
     * and every volume option the class sets must have the class's value on the pool. Options the
     * class leaves alone may be anything.
     */
    public static List<String> ofPool(VolumeInfo info, StorageClassParameters parameters) {
        List<String> differences = layout(info, parameters);
        for (Map.Entry<String, String> option : parameters.volumeOptions().entrySet()) {
            String value = info.options().get(option.getKey());
            if (!option.getValue().equals(value)) {
                differences.add("volume option " + option.getKey() + " is " + (value == null ? "unset" : value)
                        + ", asked " + option.getValue());
            }
        }
        return differences;
    }

    private static List<String> layout(VolumeInfo info, StorageClassParameters p) {
        List<String> differences = new ArrayList<>();
        if (info.replicaCount() != p.replica() || (info.arbiterCount() > 0) != p.arbiter()) {
            differences.add("replica " + info.replicaCount() + (info.arbiterCount() > 0 ? " arbiter 1" : "")
                    + ", asked replica " + p.replica() + (p.arbiter() ? " arbiter 1" : ""));
        }
        QuotaEnforcement enforcement = VolumeMetadata.quotaEnforcement(info.options());
        if (enforcement != p.quotaEnforcement()) {
            differences.add("quotaEnforcement " + enforcement.value() + ", asked " + p.quotaEnforcement().value());
        }
        String brickRoot = VolumeMetadata.brickRoot(info.options());
        if (!brickRoot.equals(p.brickRoot())) {
            differences.add("brickRoot " + brickRoot + ", asked " + p.brickRoot());
        }
        return differences;
    }
}
