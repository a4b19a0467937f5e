package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Group ids for classes with {@code gidMin}/{@code gidMax}: the lowest one of the range no volume
 * records. Callers hold the GID lock from the choice until the volume records it.
 */
public final class Gids {
    private Gids() {
    }

    /** The GIDs the driver's dedicated volumes (and pools, which record none) hold. */
    public static Set<Integer> ofDedicated(List<VolumeInfo> volumes) {
        Set<Integer> used = new HashSet<>();
        for (VolumeInfo info : volumes) {
            VolumeMetadata.gid(info.options()).ifPresent(used::add);
        }
        return used;
    }

    /** The lowest GID of the class's range not in use; RESOURCE_EXHAUSTED when every one is. */
    public static int lowestFree(Set<Integer> used, StorageClassParameters p) throws CsiException {
        for (int gid = p.gidMin().getAsInt(); gid <= p.gidMax().getAsInt(); gid++) {
            if (!used.contains(gid)) {
                return gid;
            }
        }
        throw CsiException.exhausted("every GID from " + p.gidMin().getAsInt() + " to " + p.gidMax().getAsInt()
                + " is taken by a volume; widen gidMin/gidMax");
    }
}
