package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.VolumeNames;
import io.converged.gluster.controller.provision.VolumeNames.ClaimId;
import java.util.Optional;

/**
 * The CSI snapshot id, {@code POOL/.csi-snapshots/DIRECTORY}: the path of the snapshot in the pool that
 * holds it. No volume id can look like it (a claim's is {@code POOL/DIRECTORY}, a dedicated volume's
 * has no {@code /}), so a snapshot id given where a volume id belongs is found to be none, and the
 * other way round.
 *
 * @param pool the gluster volume of the snapshot pool
 * @param directory the snapshot's directory in the pool's {@value #HIDDEN}
 */
public record SnapshotId(String pool, String directory) {
    /** Where a pool keeps its snapshots; hidden, so claims and listings of claims never meet them. */
    public static final String HIDDEN = ".csi-snapshots";
    /** The prefix of a snapshot's directory name, before the CreateSnapshot name. */
    static final String PREFIX = "gcs";

    public SnapshotId {
        if (ClaimId.parse(pool + "/" + directory).isEmpty()) {
            throw new IllegalArgumentException("not a snapshot id: " + pool + "/" + HIDDEN + "/" + directory);
        }
    }

    /** The snapshot a CreateSnapshot name makes in a pool: the same name always gives the same id. */
    public static SnapshotId forRequest(String pool, String requestName) {
        return new SnapshotId(pool, VolumeNames.forRequest(PREFIX, requestName));
    }

    /** The snapshot id the text is, if it is one. */
    public static Optional<SnapshotId> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String marker = "/" + HIDDEN + "/";
        int at = id.indexOf(marker);
        if (at <= 0) {
            return Optional.empty();
        }
        String pool = id.substring(0, at);
        String directory = id.substring(at + marker.length());
        return ClaimId.parse(pool + "/" + directory).map(claim -> new SnapshotId(pool, directory));
    }

    @Override
    public String toString() {
        return pool + "/" + HIDDEN + "/" + directory;
    }
}
