package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.snapshot.SnapshotClassParameters;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The snapshot examples ({@code storageclass-examples/snapshots}) fit the driver and each other: the
 * VolumeSnapshotClass names this driver with parameters the controller's own parser accepts under the
 * deployed brick-root policy, the VolumeSnapshot takes the example claim, and the restore and the clone
 * name their sources and ask at least the source's size in an example class. The snapshot objects are
 * read as plain YAML (no typed model of them is on the class path); the claims strictly.
 */
class SnapshotExamplesTest {
    private static final Path DIR = Manifests.EXAMPLES.resolve("snapshots");

    private static JsonNode yaml(String file) {
        return new YAMLMapper().readTree(Manifests.read(DIR.resolve(file)));
    }

    private static PersistentVolumeClaim claim(Path file) {
        return Manifests.ofKind(Manifests.load(file), PersistentVolumeClaim.class).get(0);
    }

    private static List<String> allowedBrickRoots() {
        String roots = Manifests.requiredFlag(Manifests.container(
                Manifests.controller().getSpec().getTemplate().getSpec(), "gluster-csi-controller"),
                "allowed-brick-roots");
        return Arrays.stream(roots.split(",")).map(String::strip).toList();
    }

    @Test
    void theSnapshotClassNamesThisDriverAndItsParametersAreAcceptedWhereThePeersHaveBricks() throws Exception {
        JsonNode snapshotClass = yaml("volumesnapshotclass.yaml");
        Map<String, String> parameters = new TreeMap<>();
        snapshotClass.path("parameters").properties().forEach(e -> parameters.put(e.getKey(), e.getValue()
                .asString()));

        assertThat(snapshotClass.path("apiVersion").asString()).isEqualTo("snapshot.storage.k8s.io/v1");
        assertThat(snapshotClass.path("kind").asString()).isEqualTo("VolumeSnapshotClass");
        assertThat(snapshotClass.path("driver").asString()).isEqualTo(Manifests.DRIVER);
        assertThat(snapshotClass.path("deletionPolicy").asString()).isIn("Delete", "Retain");
        SnapshotClassParameters parsed = SnapshotClassParameters.parse(parameters, allowedBrickRoots());
        List<String> mounted = Manifests.container(Manifests.peers().getSpec().getTemplate().getSpec(), "glusterfs")
                .getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
        assertThat(mounted).anySatisfy(m -> assertThat(Path.of(parsed.layout().brickRoot()).startsWith(Path.of(m)))
                .isTrue());
    }

    @Test
    void theSnapshotTakesTheExampleClaimWithTheExampleClass() {
        JsonNode snapshot = yaml("volumesnapshot.yaml");
        PersistentVolumeClaim source = claim(Manifests.EXAMPLES.resolve("pvc.yaml"));

        assertThat(snapshot.path("apiVersion").asString()).isEqualTo("snapshot.storage.k8s.io/v1");
        assertThat(snapshot.path("kind").asString()).isEqualTo("VolumeSnapshot");
        assertThat(snapshot.path("spec").path("volumeSnapshotClassName").asString())
                .isEqualTo(yaml("volumesnapshotclass.yaml").path("metadata").path("name").asString());
        assertThat(snapshot.path("spec").path("source").path("persistentVolumeClaimName").asString())
                .isEqualTo(source.getMetadata().getName());
        assertThat(snapshot.path("metadata").path("namespace").asString())
                .isEqualTo(source.getMetadata().getNamespace());
    }

    @Test
    void theRestoreAndTheCloneNameTheirSourcesAndAskAtLeastTheirSize() {
        PersistentVolumeClaim source = claim(Manifests.EXAMPLES.resolve("pvc.yaml"));
        PersistentVolumeClaim restore = claim(DIR.resolve("restore-pvc.yaml"));
        PersistentVolumeClaim clone = claim(DIR.resolve("clone-pvc.yaml"));
        List<String> classes = Manifests.ofKind(Manifests.examples(), StorageClass.class).stream()
                .map(sc -> sc.getMetadata().getName()).toList();
        Quantity sourceSize = source.getSpec().getResources().getRequests().get("storage");

        assertThat(restore.getSpec().getDataSource().getApiGroup()).isEqualTo("snapshot.storage.k8s.io");
        assertThat(restore.getSpec().getDataSource().getKind()).isEqualTo("VolumeSnapshot");
        assertThat(restore.getSpec().getDataSource().getName())
                .isEqualTo(yaml("volumesnapshot.yaml").path("metadata").path("name").asString());
        assertThat(clone.getSpec().getDataSource().getKind()).isEqualTo("PersistentVolumeClaim");
        assertThat(clone.getSpec().getDataSource().getName()).isEqualTo(source.getMetadata().getName());
        assertThat(clone.getSpec().getStorageClassName()).as("Kubernetes clones within a class")
                .isEqualTo(source.getSpec().getStorageClassName());
        for (PersistentVolumeClaim made : List.of(restore, clone)) {
            assertThat(made.getMetadata().getNamespace()).isEqualTo(source.getMetadata().getNamespace());
            assertThat(classes).contains(made.getSpec().getStorageClassName());
            assertThat(Quantity.getAmountInBytes(made.getSpec().getResources().getRequests().get("storage")))
                    .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(sourceSize));
        }
    }
}
