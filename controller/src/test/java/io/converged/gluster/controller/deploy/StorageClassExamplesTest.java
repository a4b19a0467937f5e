package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import io.converged.gluster.controller.provision.MutableParameters;
import io.converged.gluster.controller.provision.OnDelete;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.VolumeAttributesClass;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The StorageClass examples are accepted by the controller's own parameter parser (the code
 * CreateVolume runs), under the brick-root policy the installed controller is started with, so an
 * example cannot drift from the driver.
 */
class StorageClassExamplesTest {

    private static List<StorageClass> classes() {
        return Manifests.ofKind(Manifests.examples(), StorageClass.class);
    }

    /** The controller's --allowed-brick-roots, as deployed. */
    private static List<String> allowedBrickRoots() {
        String roots = Manifests.requiredFlag(Manifests.container(
                Manifests.controller().getSpec().getTemplate().getSpec(), "gluster-csi-controller"),
                "allowed-brick-roots");
        return Arrays.stream(roots.split(",")).map(String::strip).toList();
    }

    private static StorageClassParameters parse(StorageClass sc) throws CsiException {
        return StorageClassParameters.parse(sc.getParameters(), allowedBrickRoots());
    }

    @Test
    void everyExampleNamesThisDriverAndItsParametersAreAccepted() {
        assertThat(classes()).hasSizeGreaterThanOrEqualTo(6).allSatisfy(sc -> {
            assertThat(sc.getProvisioner()).isEqualTo(Manifests.DRIVER);
            assertThat(sc.getParameters()).isNotEmpty();
            StorageClassParameters.parse(sc.getParameters());
            parse(sc);
        });
    }

    @Test
    void everyExampleAllowsExpansion() {
        assertThat(classes()).allSatisfy(sc -> assertThat(sc.getAllowVolumeExpansion())
                .as(sc.getMetadata().getName()).isTrue());
    }

    @Test
    void exactlyOneExampleIsTheDefaultClassAndItIsReplica3() throws CsiException {
        List<StorageClass> defaults = classes().stream().filter(sc -> "true".equals(
                sc.getMetadata().getAnnotations().get("storageclass.kubernetes.io/is-default-class"))).toList();

        assertThat(defaults).hasSize(1);
        StorageClassParameters p = parse(defaults.get(0));
        assertThat(p.replica()).isEqualTo(3);
        assertThat(p.arbiter()).isFalse();
    }

    @Test
    void theExamplesCoverEveryUseTheReadmeNames() {
        List<StorageClassParameters> parsed = classes().stream().map(sc -> {
            try {
                return parse(sc);
            } catch (CsiException e) {
                throw new AssertionError(sc.getMetadata().getName() + ": " + e.getMessage(), e);
            }
        }).toList();

        assertThat(parsed).anySatisfy(p -> assertThat(p.replica()).isEqualTo(2));
        assertThat(parsed).anySatisfy(p -> assertThat(p.arbiter()).isTrue());
        assertThat(parsed).anySatisfy(p -> assertThat(p.volumeOptions()).isNotEmpty());
        assertThat(parsed).anySatisfy(p -> assertThat(p.allocatesGid()).isTrue());
        assertThat(parsed).anySatisfy(p -> assertThat(p.pool()).contains("shared"));
        assertThat(classes()).anySatisfy(sc -> {
            assertThat(sc.getReclaimPolicy()).isEqualTo("Retain");
            assertThat(parse(sc).onDelete()).isEqualTo(OnDelete.RETAIN);
        });
        assertThat(classes()).anySatisfy(sc -> {
            assertThat(sc.getMountOptions()).isNotEmpty();
            assertThat(parse(sc).volumeOptions()).isNotEmpty();
        });
    }

    @Test
    void everyExampleBrickRootIsMountedIntoThePeers() {
        DaemonSet peers = Manifests.peers();
        List<String> mounted = Manifests.container(peers.getSpec().getTemplate().getSpec(), "glusterfs")
                .getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();

        assertThat(classes()).allSatisfy(sc -> {
            Path brickRoot = Path.of(parse(sc).brickRoot());
            assertThat(mounted).as("peer mounts covering " + brickRoot + " of " + sc.getMetadata().getName())
                    .anySatisfy(m -> assertThat(brickRoot.startsWith(Path.of(m))).isTrue());
        });
    }

    @Test
    void theClaimUsesAnExampleClassAndThePodMountsTheClaim() {
        List<HasMetadata> examples = Manifests.examples();
        PersistentVolumeClaim claim = Manifests.ofKind(examples, PersistentVolumeClaim.class).get(0);
        Pod pod = Manifests.ofKind(examples, Pod.class).get(0);

        assertThat(classes()).extracting(sc -> sc.getMetadata().getName())
                .contains(claim.getSpec().getStorageClassName());
        assertThat(claim.getSpec().getAccessModes()).contains("ReadWriteMany");
        assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo(claim.getMetadata().getNamespace());
        assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim.getMetadata().getName());
            assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
                    .anySatisfy(m -> assertThat(m.getName()).isEqualTo(v.getName()));
        });
        assertThat(pod.getSpec().getContainers().get(0).getCommand()).anySatisfy(
                arg -> assertThat(arg).contains(">> /data/"));
    }

    @Test
    void theNonRootExamplePodGetsWriteAccessThroughFsGroup() {
        Pod pod = Manifests.ofKind(Manifests.examples(), Pod.class).get(0);

        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isNotNull();
        assertThat(Manifests.ofKind(Manifests.installed(), CSIDriver.class).get(0).getSpec().getFsGroupPolicy())
                .as("kubelet applies fsGroup to our volumes").isEqualTo("File");
    }

    @Test
    void everyVolumeAttributesClassNamesThisDriverAndItsParametersAreAcceptedOnALiveVolume() throws CsiException {
        List<VolumeAttributesClass> vacs = Manifests.ofKind(Manifests.examples(), VolumeAttributesClass.class);

        assertThat(vacs).hasSizeGreaterThanOrEqualTo(2);
        for (VolumeAttributesClass vac : vacs) {
            assertThat(vac.getApiVersion()).isEqualTo("storage.k8s.io/v1");
            assertThat(vac.getDriverName()).isEqualTo(Manifests.DRIVER);
            assertThat(MutableParameters.volumeOptions(vac.getParameters())).as(vac.getMetadata().getName())
                    .isNotEmpty();
        }
    }

    @Test
    void aVolumeAttributesClassThatTriesToChangeTheReplicaCountWouldFailNamingIt() {
        VolumeAttributesClass vac = Manifests.ofKind(Manifests.parse("""
                apiVersion: storage.k8s.io/v1
                kind: VolumeAttributesClass
                metadata:
                  name: wider
                driverName: glusterfs.converged.io
                parameters:
                  replica: "3"
                """), VolumeAttributesClass.class).get(0);

        assertThatThrownBy(() -> MutableParameters.volumeOptions(vac.getParameters()))
                .isInstanceOf(CsiException.class)
                .hasFieldOrPropertyWithValue("code", Status.Code.INVALID_ARGUMENT).hasMessageContaining("'replica'");
    }

    @Test
    void anExampleWithAParameterTheDriverDoesNotKnowWouldFail() {
        StorageClass typo = Manifests.ofKind(Manifests.parse("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata:
                  name: typo
                provisioner: glusterfs.converged.io
                parameters:
                  replicas: "3"
                """), StorageClass.class).get(0);

        assertThatThrownBy(() -> parse(typo))
                .isInstanceOf(CsiException.class)
                .hasFieldOrPropertyWithValue("code", Status.Code.INVALID_ARGUMENT).hasMessageContaining("replicas");
    }
}
