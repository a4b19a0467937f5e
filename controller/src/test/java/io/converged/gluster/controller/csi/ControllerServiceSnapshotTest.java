package io.converged.gluster.controller.csi;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.testing.GrpcCleanup;
import io.converged.gluster.csi.testing.GrpcCodes;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.ListSnapshotsRequest;
import io.converged.gluster.csi.v1.ListSnapshotsResponse;
import io.converged.gluster.csi.v1.Snapshot;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeContentSource;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The controller service's translation of snapshots and of volumes made from a source, with memory backends. */
class ControllerServiceSnapshotTest {
    @RegisterExtension
    final GrpcCleanup cleanup = new GrpcCleanup();

    private final ControllerServiceTest.MemoryBackend backend = new ControllerServiceTest.MemoryBackend();
    private final MemorySnapshots snapshots = new MemorySnapshots(backend);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private ControllerGrpc.ControllerBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        cleanup.register(InProcessServerBuilder.forName(name).executor(pool)
                .addService(new ControllerService(backend, snapshots, List.of("/mnt"))).build().start());
        stub = ControllerGrpc.newBlockingStub(cleanup.register(InProcessChannelBuilder.forName(name).build()));
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private String volume(String name, long bytes) {
        return stub.createVolume(CreateVolumeRequest.newBuilder().setName(name)
                .addVolumeCapabilities(ControllerServiceTest.MOUNT_RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes)).build()).getVolume()
                .getVolumeId();
    }

    private static CreateSnapshotRequest.Builder snapshot(String name, String source) {
        return CreateSnapshotRequest.newBuilder().setName(name).setSourceVolumeId(source);
    }

    @Test
    void aSnapshotAnswersItsIdSourceSizeCreationTimeAndReadiness() {
        String source = volume("pvc-a", 3L << 30);

        Snapshot taken = stub.createSnapshot(snapshot("snapshot-1", source)
                .putParameters("csi.storage.k8s.io/volumesnapshot/name", "before-upgrade").build()).getSnapshot();
        Snapshot elsewhere = stub.createSnapshot(snapshot("snapshot-2", source).putParameters("pool", "backups")
                .putParameters("replica", "2").build()).getSnapshot();

        assertThat(taken.getSnapshotId()).isEqualTo("snapshots/.csi-snapshots/gcs-snapshot-1");
        assertThat(taken.getSourceVolumeId()).isEqualTo("gcs-pvc-a");
        assertThat(taken.getSizeBytes()).isEqualTo(3L << 30);
        assertThat(taken.getReadyToUse()).isTrue();
        assertThat(taken.getCreationTime().getSeconds()).isEqualTo(MemorySnapshots.CREATED.getEpochSecond());
        assertThat(taken.getCreationTime().getNanos()).isEqualTo(MemorySnapshots.CREATED.getNano());
        assertThat(elsewhere.getSnapshotId()).isEqualTo("backups/.csi-snapshots/gcs-snapshot-2");
        assertThat(snapshots.calls).containsExactly("createSnapshot snapshot-1 of gcs-pvc-a in snapshots",
                "createSnapshot snapshot-2 of gcs-pvc-a in backups");
    }

    /** Every malformed request gets its code and reaches neither backend. */
    @Test
    void malformedSnapshotRequestsGetTheirCodeAndChangeNothing() {
        Map<CreateSnapshotRequest, Status.Code> invalid = Map.of(
                snapshot("", "gcs-pvc-a").build(), Status.Code.INVALID_ARGUMENT,
                snapshot("snap\u0001", "gcs-pvc-a").build(), Status.Code.INVALID_ARGUMENT,
                snapshot("s", "").build(), Status.Code.INVALID_ARGUMENT,
                snapshot("s", "../etc/passwd").build(), Status.Code.NOT_FOUND,
                snapshot("s", "snapshots/.csi-snapshots/gcs-s").build(), Status.Code.NOT_FOUND,
                snapshot("s", "gcs-pvc-a").putParameters("onDelete", "retain").build(), Status.Code.INVALID_ARGUMENT,
                snapshot("s", "gcs-pvc-a").putParameters("pool", "Not_A_Pool").build(), Status.Code.INVALID_ARGUMENT,
                snapshot("s", "gcs-pvc-a").putParameters("brickRoot", "/etc").build(), Status.Code.INVALID_ARGUMENT);
        invalid.forEach((request, code) -> assertThat(GrpcCodes.of(() -> stub.createSnapshot(request)))
                .as(request.toString()).isEqualTo(code));
        assertThat(GrpcCodes.of(() -> stub.deleteSnapshot(DeleteSnapshotRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCodes.of(() -> stub.listSnapshots(ListSnapshotsRequest.newBuilder().setMaxEntries(-1)
                .build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        // An id no snapshot of ours can have: deleted at once, listed as nothing, nothing asked.
        stub.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId("gcs-pvc-a").build());
        stub.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId("p/.csi-snapshots/../../x").build());
        assertThat(stub.listSnapshots(ListSnapshotsRequest.newBuilder().setSnapshotId("pool/gcs-pvc-a").build())
                .getEntriesList()).isEmpty();
        assertThat(snapshots.calls).isEmpty();
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void listingPagesThroughSnapshotsByIdAndBySourceAndAStaleTokenIsAborted() {
        String first = volume("pvc-a", 1L << 30);
        String second = volume("pvc-b", 1L << 30);
        for (int i = 0; i < 7; i++) {
            stub.createSnapshot(snapshot("snapshot-" + i, i < 5 ? first : second).build());
        }

        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListSnapshotsResponse page = stub.listSnapshots(ListSnapshotsRequest.newBuilder().setMaxEntries(3)
                    .setStartingToken(token).build());
            page.getEntriesList().forEach(e -> seen.add(e.getSnapshot().getSnapshotId()));
            token = page.getNextToken();
            pages++;
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates().isSorted();
        assertThat(stub.listSnapshots(ListSnapshotsRequest.newBuilder().setSourceVolumeId(second).build())
                .getEntriesList()).extracting(e -> e.getSnapshot().getSnapshotId())
                .containsExactly("snapshots/.csi-snapshots/gcs-snapshot-5", "snapshots/.csi-snapshots/gcs-snapshot-6");
        assertThat(stub.listSnapshots(ListSnapshotsRequest.newBuilder()
                .setSnapshotId("snapshots/.csi-snapshots/gcs-snapshot-2").build()).getEntriesList())
                .extracting(e -> e.getSnapshot().getSourceVolumeId()).containsExactly(first);
        assertThat(stub.listSnapshots(ListSnapshotsRequest.newBuilder()
                .setSnapshotId("snapshots/.csi-snapshots/gcs-snapshot-2").setSourceVolumeId(second).build())
                .getEntriesList()).isEmpty();
        assertThat(stub.listSnapshots(ListSnapshotsRequest.newBuilder()
                .setSnapshotId("snapshots/.csi-snapshots/gcs-never").build()).getEntriesList()).isEmpty();

        String next = stub.listSnapshots(ListSnapshotsRequest.newBuilder().setMaxEntries(2).build()).getNextToken();
        stub.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId(next).build());
        assertThat(GrpcCodes.of(() -> stub.listSnapshots(ListSnapshotsRequest.newBuilder().setStartingToken(next)
                .build()))).isEqualTo(Status.Code.ABORTED);
    }

    @Test
    void aVolumeFromASourceIsMadeByTheSnapshotSideAndAnswersWithItsSource() {
        String source = volume("pvc-a", 1L << 30);
        VolumeContentSource fromSnapshot = VolumeContentSource.newBuilder().setSnapshot(VolumeContentSource
                .SnapshotSource.newBuilder().setSnapshotId("snapshots/.csi-snapshots/gcs-snapshot-1")).build();
        VolumeContentSource fromVolume = VolumeContentSource.newBuilder().setVolume(VolumeContentSource
                .VolumeSource.newBuilder().setVolumeId(source)).build();

        Volume restored = stub.createVolume(CreateVolumeRequest.newBuilder().setName("pvc-r")
                .addVolumeCapabilities(ControllerServiceTest.MOUNT_RWX).setVolumeContentSource(fromSnapshot)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(1L << 30)).build()).getVolume();
        Volume cloned = stub.createVolume(CreateVolumeRequest.newBuilder().setName("pvc-c")
                .addVolumeCapabilities(ControllerServiceTest.MOUNT_RWX).setVolumeContentSource(fromVolume)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(1L << 30)).build()).getVolume();

        assertThat(restored.getContentSource()).isEqualTo(fromSnapshot);
        assertThat(cloned.getContentSource()).isEqualTo(fromVolume);
        assertThat(snapshots.calls).containsExactly(
                "createVolumeFrom gcs-pvc-r snapshot:snapshots/.csi-snapshots/gcs-snapshot-1",
                "createVolumeFrom gcs-pvc-c volume:gcs-pvc-a");
    }

    @Test
    void aSourceNoSnapshotOrVolumeOfOursCouldBeIsNotFoundAndNothingIsMade() {
        for (VolumeContentSource source : List.of(
                VolumeContentSource.newBuilder().setSnapshot(VolumeContentSource.SnapshotSource.newBuilder()
                        .setSnapshotId("gcs-pvc-a")).build(),
                VolumeContentSource.newBuilder().setSnapshot(VolumeContentSource.SnapshotSource.newBuilder()
                        .setSnapshotId("pool/.csi-snapshots/a/b")).build(),
                VolumeContentSource.newBuilder().setVolume(VolumeContentSource.VolumeSource.newBuilder()
                        .setVolumeId("pool/.csi-snapshots/gcs-s")).build(),
                VolumeContentSource.newBuilder().setVolume(VolumeContentSource.VolumeSource.newBuilder()
                        .setVolumeId("--force")).build())) {
            assertThat(GrpcCodes.of(() -> stub.createVolume(CreateVolumeRequest.newBuilder().setName("pvc-x")
                    .addVolumeCapabilities(ControllerServiceTest.MOUNT_RWX).setVolumeContentSource(source).build())))
                    .as(source.toString()).isEqualTo(Status.Code.NOT_FOUND);
        }
        assertThat(snapshots.calls).isEmpty();
        assertThat(backend.calls).isEmpty();
    }
}
