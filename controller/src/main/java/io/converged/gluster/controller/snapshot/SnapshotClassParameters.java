package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A VolumeSnapshotClass's parameters: the snapshot pool ({@code pool}, default {@value #DEFAULT_POOL})
 * and, for the first snapshot that makes that pool, its layout: {@code replica}, {@code arbiter},
 * {@code brickRoot}, {@code spread} and {@code volumeOptions}, with a StorageClass's meanings and
 * defaults. A snapshot pool is a shared pool like any other (made, adopted and checked the same way), so
 * a class that contradicts the pool it names is refused naming the difference, and a class may name a
 * claims' pool to keep snapshots beside the claims. Keys the csi-snapshotter adds
 * ({@code csi.storage.k8s.io/*}) are read past; any other key is refused.
 *
 * @param layout the pool's parameters as a StorageClass would give them, its {@code pool} set
 */
public record SnapshotClassParameters(String pool, StorageClassParameters layout) {
    public static final String DEFAULT_POOL = "snapshots";
    static final List<String> KNOWN = List.of(StorageClassParameters.POOL, StorageClassParameters.REPLICA,
            StorageClassParameters.ARBITER, StorageClassParameters.BRICK_ROOT, StorageClassParameters.SPREAD,
            StorageClassParameters.VOLUME_OPTIONS);
    private static final String SIDECAR_PREFIX = "csi.storage.k8s.io/";

    public static SnapshotClassParameters parse(Map<String, String> parameters, List<String> allowedBrickRoots)
            throws CsiException {
        List<String> unknown = new ArrayList<>();
        Map<String, String> layout = new TreeMap<>();
        for (Map.Entry<String, String> parameter : new TreeMap<>(parameters).entrySet()) {
            if (KNOWN.contains(parameter.getKey())) {
                layout.put(parameter.getKey(), parameter.getValue());
            } else if (!parameter.getKey().startsWith(SIDECAR_PREFIX)) {
                unknown.add(parameter.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            throw CsiException.invalidArgument("unknown VolumeSnapshotClass parameter(s) " + unknown + "; known: "
                    + KNOWN);
        }
        layout.putIfAbsent(StorageClassParameters.POOL, DEFAULT_POOL);
        StorageClassParameters parsed;
        try {
            parsed = StorageClassParameters.parse(layout, allowedBrickRoots);
        } catch (CsiException e) {
            throw CsiException.invalidArgument("VolumeSnapshotClass: " + e.getMessage());
        }
        return new SnapshotClassParameters(parsed.pool().orElseThrow(), parsed);
    }
}
