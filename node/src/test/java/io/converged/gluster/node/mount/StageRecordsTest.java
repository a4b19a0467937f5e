package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRecordsTest {
    @TempDir
    Path dir;

    private StageRecords records;
    private GlusterMount mount;
    private Path staging;

    @BeforeEach
    void setUp() throws Exception {
        records = new StageRecords(dir.resolve("state"));
        mount = GlusterMount.of("vol1", List.of("127.1.9.1", "127.1.9.2"), MountOptions.parse(List.of("acl", "ro")),
                Path.of("/var/log/glusterfs/csi/vol1.log"));
        staging = Files.createDirectories(dir.resolve("pv/abc/globalmount"));
    }

    @Test
    void aRecordRoundTripsWithItsTargetsThroughTheRegistry() throws Exception {
        StageRecord record = StageRecord.staged("vol1", mount, staging)
                .withTarget(Path.of("/pods/a b=c:d/mount"), true)
                .withTarget(Path.of("/pods/x/mount"), false);

        records.save(record);

        assertThat(StageRecords.recordPath(staging)).isEqualTo(dir
                .resolve("pv/abc/globalmount.glusterfs-csi.properties"))
                .isRegularFile();
        assertThat(Files.readSymbolicLink(dir.resolve("state/vol1"))).isEqualTo(StageRecords.recordPath(staging));
        assertThat(records.find("vol1")).contains(record);
        assertThat(new StageRecords(dir.resolve("state")).all()).containsExactly(record);
    }

    @Test
    void aSharedClaimsDirectoryRoundTrips() throws Exception {
        GlusterMount claim = GlusterMount.of("pool1", "gcs-pvc-1", List.of("127.1.9.1"), MountOptions.none(),
                Path.of("/var/log/glusterfs/csi/pool1.gcs-pvc-1.log"));
        StageRecord record = StageRecord.staged("pool1/gcs-pvc-1", claim, staging);

        records.save(record);

        assertThat(new StageRecords(dir.resolve("state")).find("pool1/gcs-pvc-1")).contains(record);
    }

    @Test
    void oddVolumeIdsAreRegisteredUnderTheirHash() throws Exception {
        StageRecord record = StageRecord.staged("ns/pvc 1/..", mount, staging);
        records.save(record);

        assertThat(records.find("ns/pvc 1/..")).contains(record);
        try (var entries = Files.list(dir.resolve("state"))) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList())
                    .singleElement().asString().startsWith("%").hasSize(65);
        }
        assertThat(records.find("vol1")).isEmpty();
    }

    @Test
    void deletingForgetsTheRecordAndItsRegistryEntry() throws Exception {
        StageRecord record = StageRecord.staged("vol1", mount, staging);
        records.save(record);
        records.delete(record);
        records.delete(record);

        assertThat(records.find("vol1")).isEmpty();
        assertThat(StageRecords.recordPath(staging)).doesNotExist();
        assertThat(dir.resolve("state/vol1")).doesNotExist();
    }

    @Test
    void registryEntriesWhoseRecordIsGoneAreRemovedAndBrokenOnesSkipped() throws Exception {
        records.save(StageRecord.staged("vol1", mount, staging));
        Path other = Files.createDirectories(dir.resolve("pv/def/globalmount"));
        records.save(StageRecord.staged("vol2", mount, other));
        Files.delete(StageRecords.recordPath(staging));
        Files.writeString(StageRecords.recordPath(other), "volumeId=vol2\n");

        assertThat(records.all()).isEmpty();
        assertThat(dir.resolve("state/vol1")).doesNotExist();
        assertThat(Files.isSymbolicLink(dir.resolve("state/vol2"))).isTrue();
    }

    @Test
    void noStateDirectoryMeansNothingStagedAndNothingCreated() {
        assertThat(records.all()).isEmpty();
        assertThat(dir.resolve("state")).doesNotExist();
    }
}
