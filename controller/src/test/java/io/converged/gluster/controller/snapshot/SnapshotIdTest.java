package io.converged.gluster.controller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.provision.VolumeNames;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotIdTest {

    @Test
    void theSameNameGivesTheSameIdWhichSaysWhereTheSnapshotLives() {
        SnapshotId id = SnapshotId.forRequest("snapshots", "snapshot-5d1c0a2e-7f52-4d0a-9a2b-2f0b7a0d8e11");

        assertThat(id).isEqualTo(SnapshotId.forRequest("snapshots", "snapshot-5d1c0a2e-7f52-4d0a-9a2b-2f0b7a0d8e11"));
        assertThat(id.toString())
                .isEqualTo("snapshots/.csi-snapshots/gcs-snapshot-5d1c0a2e-7f52-4d0a-9a2b-2f0b7a0d8e11");
        assertThat(id.toString().length()).isLessThanOrEqualTo(128);
        assertThat(SnapshotId.parse(id.toString())).contains(id);
        assertThat(SnapshotId.forRequest("snapshots", "Snapshot With Spaces").directory()).matches("gcs-[a-z0-9-]+");
    }

    @Test
    void noVolumeIdIsASnapshotIdAndNoSnapshotIdIsAVolumeId() {
        for (String volumeId : List.of("gcs-pvc-1", "pool/gcs-pvc-1", "snapshots/gcs-snapshot-1")) {
            assertThat(SnapshotId.parse(volumeId)).as(volumeId).isEmpty();
        }
        String snapshot = SnapshotId.forRequest("pool", "snapshot-1").toString();
        assertThat(VolumeNames.isValidVolumeId(snapshot)).isFalse();
    }

    @Test
    void idsThatCouldReachOutsideTheSnapshotsDirectoryAreNone() {
        for (String text : List.of("", "/.csi-snapshots/x", "pool/.csi-snapshots/", "pool/.csi-snapshots/a/b",
                "pool/.csi-snapshots/..", "pool/.csi-snapshots/.hidden", "../.csi-snapshots/x", "Pool/.csi-snapshots/x",
                "pool/.csi-snapshots/x y", "pool/.csi-snapshots/-x")) {
            assertThat(SnapshotId.parse(text)).as(text).isEmpty();
        }
        assertThat(SnapshotId.parse(null)).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> new SnapshotId("pool", "a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
