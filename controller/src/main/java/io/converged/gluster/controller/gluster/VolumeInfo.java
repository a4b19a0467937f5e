package io.converged.gluster.controller.gluster;

import java.util.List;
import java.util.Map;

/**
 * A volume as {@code gluster volume info --xml} describes it.
 *
 * @param status gluster's status string: {@code Created}, {@code Started} or {@code Stopped}
 * @param type gluster's type string, e.g. {@code Replicate}, {@code Distribute}
 * @param options every option set on the volume, in gluster's order (includes {@code user.*} keys)
 */
public record VolumeInfo(String name, String id, String status, String type, int brickCount, int replicaCount,
        int arbiterCount, int distCount, List<Brick> bricks, Map<String, String> options) {

    public VolumeInfo {
        bricks = List.copyOf(bricks);
        options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
    }

    public boolean started() {
        return "Started".equals(status);
    }

    /** The options whose key starts with the prefix (e.g. {@code user.}), keys unchanged. */
    public Map<String, String> optionsWithPrefix(String prefix) {
        Map<String, String> selected = new java.util.LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                selected.put(k, v);
            }
        });
        return java.util.Collections.unmodifiableMap(selected);
    }
}
