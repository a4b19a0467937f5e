package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The install manifests and examples are well-formed Kubernetes objects and the kustomization is whole. */
class ManifestsTest {

    static List<Path> manifestFiles() {
        List<Path> files = new ArrayList<>(Manifests.yamlFiles(Manifests.INSTALL));
        files.remove(Manifests.INSTALL.resolve("kustomization.yaml"));
        files.addAll(Manifests.yamlFiles(Manifests.EXAMPLES));
        return files;
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void everyManifestParsesAsTypedObjectsWithNoUnknownField(Path file) {
        List<HasMetadata> objects = Manifests.load(file);

        assertThat(objects).as(file.toString()).isNotEmpty().allSatisfy(object -> {
            assertThat(object.getApiVersion()).isNotBlank();
            assertThat(object.getMetadata().getName()).isNotBlank();
            assertThat(object.getClass().getPackageName()).startsWith("io.fabric8.kubernetes.api.model");
        });
    }

    @Test
    void theStrictParserRefusesAMisspeltFieldAndNamesIt() {
        String yaml = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: x
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          imagee: busybox
                """;

        assertThatThrownBy(() -> Manifests.parse(yaml)).hasMessageContaining("imagee");
    }

    @Test
    void theStrictParserRefusesAFieldAtTheWrongLevel() {
        String yaml = """
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata:
                  name: x
                provisioner: glusterfs.converged.io
                replica: "3"
                """;

        assertThatThrownBy(() -> Manifests.parse(yaml)).hasMessageContaining("replica");
    }

    @Test
    void theKustomizationListsEveryManifestAndEveryListedFileExists() {
        Manifests.Kustomization kustomization = Manifests.kustomization();
        Set<String> onDisk = Manifests.yamlFiles(Manifests.INSTALL).stream().map(p -> p.getFileName().toString())
                .filter(name -> !name.equals("kustomization.yaml")).collect(Collectors.toSet());

        assertThat(kustomization.apiVersion()).isEqualTo("kustomize.config.k8s.io/v1beta1");
        assertThat(kustomization.kind()).isEqualTo("Kustomization");
        assertThat(kustomization.resources()).doesNotHaveDuplicates()
                .allSatisfy(r -> assertThat(Manifests.INSTALL.resolve(r)).isRegularFile());
        assertThat(kustomization.resources()).containsExactlyInAnyOrderElementsOf(onDisk);
    }

    @Test
    void theInstallCreatesEveryPieceTheDriverNeeds() {
        List<HasMetadata> objects = Manifests.installed();

        assertThat(Manifests.ofKind(objects, CSIDriver.class)).singleElement()
                .satisfies(d -> assertThat(d.getMetadata().getName()).isEqualTo(Manifests.DRIVER));
        assertThat(Manifests.ofKind(objects, Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactly("gluster-csi-controller");
        assertThat(Manifests.ofKind(objects, DaemonSet.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("glusterfs-peer", "gluster-csi-node", "gluster-csi-mount-keeper");
        assertThat(Manifests.ofKind(objects, ClusterRole.class)).isNotEmpty();
        assertThat(Manifests.ofKind(objects, StorageClass.class))
                .as("StorageClasses are examples, applied on purpose, not installed").isEmpty();
    }

    @Test
    void objectNamesAreUniquePerKindAndNamespace() {
        List<String> keys = Manifests.installed().stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
                .toList();

        assertThat(keys).doesNotHaveDuplicates();
    }

    @Test
    void everyNamespacedObjectNamesANamespaceTheInstallCreates() {
        List<HasMetadata> objects = Manifests.installed();
        Set<String> namespaces = Manifests.ofKind(objects, Namespace.class).stream()
                .map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> clusterScoped = Set.of("Namespace", "CSIDriver", "ClusterRole", "ClusterRoleBinding",
                "StorageClass");

        assertThat(namespaces).containsExactlyInAnyOrder("gluster-csi", "glusterfs");
        assertThat(objects).allSatisfy(o -> {
            if (clusterScoped.contains(o.getKind())) {
                assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
                        .isNull();
            } else {
                assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
                        .isIn(namespaces);
            }
        });
    }

    @Test
    void everyImageIsPinnedInTheKustomizationAndNowhereElse() {
        Map<String, Manifests.Image> pins = Manifests.kustomization().images().stream()
                .collect(Collectors.toMap(Manifests.Image::name, Function.identity()));
        List<Container> containers = Manifests.allContainers(Manifests.installed());
        Set<String> used = new HashSet<>();

        assertThat(containers).isNotEmpty().allSatisfy(c -> {
            assertThat(c.getImage()).as("image of " + c.getName() + " carries no registry or tag; the"
                    + " kustomization pins it").doesNotContain(":", "/", "@");
            assertThat(pins).as("kustomization images: entry for " + c.getImage()).containsKey(c.getImage());
            used.add(c.getImage());
        });
        assertThat(pins.keySet()).as("no stale pins").isEqualTo(used);
        assertThat(pins.values()).allSatisfy(pin -> {
            assertThat(pin.newName()).isNotBlank();
            assertThat(pin.newTag()).isNotBlank().isNotEqualTo("latest");
        });
    }

    @Test
    void theSidecarsAreTheOfficialImagesOfTheSupportedMajorVersions() {
        Map<String, Manifests.Image> pins = Manifests.kustomization().images().stream()
                .collect(Collectors.toMap(Manifests.Image::name, Function.identity()));

        assertThat(Map.of("csi-provisioner", "v5.", "csi-resizer", "v1.", "csi-node-driver-registrar", "v2.",
                "livenessprobe", "v2.", "csi-external-health-monitor-controller", "v0.18."))
                .allSatisfy((name, major) -> {
                    assertThat(pins.get(name).newName()).isEqualTo("registry.k8s.io/sig-storage/" + name);
                    assertThat(pins.get(name).newTag()).startsWith(major).matches("v\\d+\\.\\d+\\.\\d+");
                });
    }

    @Test
    void theExamplesDirectoryHoldsOnlyObjectsAUserApplies() {
        assertThat(Manifests.examples()).extracting(HasMetadata::getKind)
                .containsOnly("StorageClass", "PersistentVolumeClaim", "Pod");
    }
}
