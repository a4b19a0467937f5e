package io.converged.gluster.node.mount;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the node must remember about a staged volume to heal it without kubelet: which volume,
 * mounted how and where, and the targets it is published at (true for read-only ones).
 */
public record StageRecord(String volumeId, GlusterMount mount, Path stagingPath, Map<Path, Boolean> targets) {

    public StageRecord {
        targets = Map.copyOf(targets);
    }

    public static StageRecord staged(String volumeId, GlusterMount mount, Path stagingPath) {
        return new StageRecord(volumeId, mount, stagingPath, Map.of());
    }

    public StageRecord withTarget(Path target, boolean readOnly) {
        Map<Path, Boolean> changed = new TreeMap<>(targets);
        changed.put(target, readOnly);
        return new StageRecord(volumeId, mount, stagingPath, changed);
    }

    public StageRecord withoutTarget(Path target) {
        Map<Path, Boolean> changed = new TreeMap<>(targets);
        changed.remove(target);
        return new StageRecord(volumeId, mount, stagingPath, changed);
    }

    /** The same volume staged at the same path, whatever its targets. */
    public boolean sameStaging(StageRecord other) {
        return volumeId.equals(other.volumeId) && mount.equals(other.mount) && stagingPath.equals(other.stagingPath);
    }
}
