package io.converged.gluster.controller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotClassParametersTest {
    private static final List<String> ROOTS = List.of("/mnt");

    @Test
    void withoutParametersSnapshotsGoToTheDefaultPoolWithAStorageClassesDefaults() throws Exception {
        SnapshotClassParameters parsed = SnapshotClassParameters.parse(Map.of(
                "csi.storage.k8s.io/volumesnapshot/name", "nightly",
                "csi.storage.k8s.io/volumesnapshot/namespace", "apps",
                "csi.storage.k8s.io/volumesnapshotcontent/name", "snapcontent-1"), ROOTS);

        assertThat(parsed.pool()).isEqualTo("snapshots");
        assertThat(parsed.layout().replica()).isEqualTo(3);
        assertThat(parsed.layout().brickRoot()).isEqualTo("/mnt/brick1");
        assertThat(parsed.layout().pool()).contains("snapshots");
    }

    @Test
    void theClassChoosesThePoolAndItsLayout() throws Exception {
        SnapshotClassParameters parsed = SnapshotClassParameters.parse(Map.of("pool", "backups", "replica", "3",
                "arbiter", "true", "brickRoot", "/mnt/brick2", "volumeOptions", "performance.quick-read=off"), ROOTS);

        assertThat(parsed.pool()).isEqualTo("backups");
        assertThat(parsed.layout().arbiter()).isTrue();
        assertThat(parsed.layout().brickRoot()).isEqualTo("/mnt/brick2");
        assertThat(parsed.layout().volumeOptions()).containsEntry("performance.quick-read", "off");
    }

    @Test
    void keysThatMeanNothingForASnapshotAndBadValuesAreRefusedByName() {
        for (Map<String, String> parameters : List.of(Map.of("onDelete", "retain"), Map.of("gidMin", "2000",
                "gidMax", "2010"), Map.of("volumeNamePrefix", "x"), Map.of("pool", "all"), Map.of("pool", "Snaps"),
                Map.of("brickRoot", "/etc"), Map.of("replica", "4"))) {
            assertThatThrownBy(() -> SnapshotClassParameters.parse(parameters, ROOTS)).as(parameters.toString())
                    .isInstanceOfSatisfying(CsiException.class, e -> {
                        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).contains(parameters.keySet().iterator().next());
                    });
        }
    }
}
