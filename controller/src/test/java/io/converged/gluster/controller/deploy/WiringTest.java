package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pieces of the install agree with each other: names, flags, sockets, paths. */
class WiringTest {
    private static final String KUBELET_PLUGIN_DIR = "/var/lib/kubelet/plugins/" + Manifests.DRIVER;

    private static PodSpec controllerPod() {
        return Manifests.controller().getSpec().getTemplate().getSpec();
    }

    private static PodSpec nodePod() {
        return Manifests.nodePlugin().getSpec().getTemplate().getSpec();
    }

    private static PodSpec keeperPod() {
        return Manifests.mountKeeper().getSpec().getTemplate().getSpec();
    }

    private static PodSpec peerPod() {
        return Manifests.peers().getSpec().getTemplate().getSpec();
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static VolumeMount mount(Container container, String name) {
        return container.getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " does not mount " + name));
    }

    /** Where a container path lies on the host, through the container's hostPath mounts. */
    private static Path hostPathOf(PodSpec pod, Container container, String path) {
        for (VolumeMount m : container.getVolumeMounts()) {
            HostPathVolumeSource hostPath = volume(pod, m.getName()).getHostPath();
            if (hostPath != null && Path.of(path).startsWith(m.getMountPath())) {
                return Path.of(hostPath.getPath()).resolve(Path.of(m.getMountPath()).relativize(Path.of(path)));
            }
        }
        throw new AssertionError(path + " is not on a hostPath of " + container.getName());
    }

    @Test
    void theControllerFindsThePeersWhereTheyAreDeployed() {
        Container driver = Manifests.container(controllerPod(), "gluster-csi-controller");
        DaemonSet peers = Manifests.peers();
        Map<String, String> podLabels = peers.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> selector = Manifests.requiredFlag(driver, "peer-selector").lines()
                .flatMap(s -> List.of(s.split(",")).stream())
                .map(term -> term.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));

        assertThat(Manifests.requiredFlag(driver, "peer-namespace")).isEqualTo(peers.getMetadata().getNamespace());
        assertThat(podLabels).containsAllEntriesOf(selector);
        assertThat(peerPod().getContainers()).extracting(Container::getName)
                .contains(Manifests.requiredFlag(driver, "peer-container"));
    }

    @Test
    void onlyThePeersRunInThePeerNamespace() {
        String peerNamespace = Manifests.peers().getMetadata().getNamespace();

        assertThat(Manifests.controller().getMetadata().getNamespace()).isNotEqualTo(peerNamespace);
        assertThat(Manifests.nodePlugin().getMetadata().getNamespace()).isNotEqualTo(peerNamespace);
    }

    @Test
    void everySidecarTalksToTheDriverSocketOfItsPod() {
        for (PodSpec pod : List.of(controllerPod(), nodePod())) {
            Container driver = pod.getContainers().stream().filter(c -> c.getImage().startsWith("gluster"))
                    .findFirst().orElseThrow();
            String endpoint = Manifests.requiredFlag(driver, "endpoint");
            assertThat(endpoint).startsWith("unix:///");
            String socket = endpoint.substring("unix://".length());
            String socketVolume = driver.getVolumeMounts().stream()
                    .filter(m -> Path.of(socket).getParent().equals(Path.of(m.getMountPath())))
                    .findFirst().orElseThrow().getName();

            List<Container> sidecars = pod.getContainers().stream().filter(c -> c != driver).toList();
            assertThat(sidecars).isNotEmpty().allSatisfy(sidecar -> {
                assertThat(Manifests.requiredFlag(sidecar, "csi-address")).isEqualTo(socket);
                assertThat(mount(sidecar, socketVolume).getMountPath()).isEqualTo(Path.of(socket).getParent()
                        .toString());
            });
        }
    }

    @Test
    void theProvisionerPassesClaimNamesAndTheSidecarsElectALeader() {
        Container provisioner = Manifests.container(controllerPod(), "csi-provisioner");
        Container resizer = Manifests.container(controllerPod(), "csi-resizer");

        assertThat(provisioner.getArgs()).contains("--extra-create-metadata", "--leader-election");
        assertThat(resizer.getArgs()).contains("--leader-election", "--handle-volume-inuse-error=false");
        assertThat(Manifests.controller().getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void theRegistrarAnnouncesTheSocketWhereKubeletFindsIt() {
        Container registrar = Manifests.container(nodePod(), "node-driver-registrar");
        Container driver = Manifests.container(nodePod(), "gluster-csi-node");
        String socket = Manifests.requiredFlag(driver, "endpoint").substring("unix://".length());

        assertThat(Manifests.requiredFlag(registrar, "kubelet-registration-path"))
                .isEqualTo(KUBELET_PLUGIN_DIR + "/csi.sock")
                .isEqualTo(hostPathOf(nodePod(), driver, socket).toString());
        assertThat(hostPathOf(nodePod(), registrar, mount(registrar, "registration-dir").getMountPath()))
                .isEqualTo(Path.of("/var/lib/kubelet/plugins_registry"));
    }

    @Test
    void theNodePluginCanMountFuseAndShareMountsWithKubelet() {
        PodSpec pod = nodePod();
        Container driver = Manifests.container(pod, "gluster-csi-node");
        VolumeMount kubelet = driver.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/var/lib/kubelet")).findFirst().orElseThrow();

        assertThat(driver.getSecurityContext().getPrivileged()).isTrue();
        assertThat(kubelet.getMountPropagation()).isEqualTo("Bidirectional");
        assertThat(hostPathOf(pod, driver, "/var/lib/kubelet")).isEqualTo(Path.of("/var/lib/kubelet"));
        assertThat(hostPathOf(pod, driver, "/dev/fuse")).isEqualTo(Path.of("/dev/fuse"));
        assertThat(hostPathOf(pod, driver, Manifests.requiredFlag(driver, "state-dir")))
                .as("staging records survive a restart of the pod").startsWithRaw(Path.of(KUBELET_PLUGIN_DIR));
        assertThat(driver.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("KUBE_NODE_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        });
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getTolerations()).anySatisfy(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    }

    @Test
    void theNodePluginMountsOnlyUnderTheKubeletDirectoryItSharesWithKubelet() {
        Container driver = Manifests.container(nodePod(), "gluster-csi-node");
        String kubeletDir = Manifests.requiredFlag(driver, "kubelet-dir");

        assertThat(kubeletDir).isEqualTo("/var/lib/kubelet");
        assertThat(hostPathOf(nodePod(), driver, kubeletDir)).isEqualTo(Path.of(kubeletDir));
        assertThat(mount(driver, "kubelet-dir").getMountPath()).isEqualTo(kubeletDir);
        assertThat(mount(driver, "kubelet-dir").getMountPropagation()).isEqualTo("Bidirectional");
        assertThat(Path.of(KUBELET_PLUGIN_DIR)).as("staging paths lie under it").startsWithRaw(Path.of(kubeletDir));
    }

    @Test
    void theNodePluginReachesTheKeeperSocketThroughTheSameHostDirectory() {
        Container driver = Manifests.container(nodePod(), "gluster-csi-node");
        Container keeper = Manifests.container(keeperPod(), "mount-keeper");
        String asked = Manifests.requiredFlag(driver, "mount-keeper").substring("unix://".length());
        String served = Manifests.requiredFlag(keeper, "endpoint").substring("unix://".length());

        assertThat(hostPathOf(nodePod(), driver, asked)).isEqualTo(hostPathOf(keeperPod(), keeper, served))
                .isEqualTo(Path.of("/var/lib/gluster-csi/mount-keeper/keeper.sock"));
        assertThat(hostPathOf(keeperPod(), keeper, served).startsWith(Path.of(KUBELET_PLUGIN_DIR)))
                .as("the keeper's socket is not in the node plugin's own socket directory").isFalse();
        assertThat(Manifests.mountKeeper().getMetadata().getNamespace())
                .isEqualTo(Manifests.nodePlugin().getMetadata().getNamespace()).isEqualTo("gluster-csi");
    }

    @Test
    void theKeeperAndThePluginAgreeOnTheKubeletAndClientLogDirectories() {
        Container driver = Manifests.container(nodePod(), "gluster-csi-node");
        Container keeper = Manifests.container(keeperPod(), "mount-keeper");

        for (String flag : List.of("kubelet-dir", "client-log-dir")) {
            String dir = Manifests.requiredFlag(keeper, flag);
            assertThat(Manifests.requiredFlag(driver, flag)).as("--" + flag).isEqualTo(dir);
            assertThat(hostPathOf(keeperPod(), keeper, dir)).as("--" + flag + " on the host")
                    .isEqualTo(hostPathOf(nodePod(), driver, dir)).isEqualTo(Path.of(dir));
        }
    }

    @Test
    void theKeeperIsNeverRolledAndCanMountFuseWhereKubeletAndThePluginSeeIt() {
        PodSpec pod = keeperPod();
        Container keeper = Manifests.container(pod, "mount-keeper");
        VolumeMount kubelet = mount(keeper, "kubelet-dir");

        assertThat(Manifests.mountKeeper().getSpec().getUpdateStrategy().getType())
                .as("a rollout of the keeper would kill every FUSE client of the node").isEqualTo("OnDelete");
        assertThat(pod.getContainers()).hasSize(1);
        assertThat(keeper.getSecurityContext().getPrivileged()).isTrue();
        assertThat(kubelet.getMountPath()).isEqualTo(Manifests.requiredFlag(keeper, "kubelet-dir"));
        assertThat(kubelet.getMountPropagation()).isEqualTo("Bidirectional");
        assertThat(hostPathOf(pod, keeper, "/dev/fuse")).isEqualTo(Path.of("/dev/fuse"));
        assertThat(pod.getHostNetwork()).as("its FUSE clients talk to the peers").isTrue();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getTolerations()).anySatisfy(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(pod.getPriorityClassName()).isEqualTo(nodePod().getPriorityClassName());
        assertThat(keeper.getLivenessProbe()).as("a liveness restart would kill every FUSE client").isNull();
        assertThat(Optional.ofNullable(keeper.getResources().getLimits()).orElse(Map.of()))
                .as("an OOM kill would kill every FUSE client").doesNotContainKey("memory");
        assertThat(Manifests.nodePlugin().getSpec().getUpdateStrategy().getType())
                .as("the plugin itself rolls freely").isEqualTo("RollingUpdate");
    }

    @Test
    void theKeeperRunsOnEveryNodeThePluginRunsOn() {
        assertThat(keeperPod().getNodeSelector()).isEqualTo(nodePod().getNodeSelector());
        assertThat(keeperPod().getTolerations()).isEqualTo(nodePod().getTolerations());
        assertThat(keeperPod().getAffinity()).isEqualTo(nodePod().getAffinity());
    }

    @Test
    void thePeersAreConvergedAsInTheHandBuiltSetup() {
        PodSpec pod = peerPod();
        Container glusterd = Manifests.container(pod, "glusterfs");

        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(glusterd.getSecurityContext().getPrivileged()).isTrue();
        assertThat(pod.getNodeSelector()).containsEntry("glusterfs.converged.io/peer", "true");
        assertThat(hostPathOf(pod, glusterd, "/mnt/brick1")).isEqualTo(Path.of("/mnt/brick1"));
        assertThat(hostPathOf(pod, glusterd, "/var/lib/glusterd"))
                .as("glusterd keeps its UUID and the pool across restarts").isEqualTo(Path.of("/var/lib/glusterd"));
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void aPeerRefusesABrickRootThatIsNotAMountPointUnlessTheOperatorAllowsIt() {
        Container glusterd = Manifests.container(peerPod(), "glusterfs");
        Map<String, String> env = glusterd.getEnv().stream()
                .collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));

        assertThat(env).containsEntry("BRICK_ROOT_ALLOW_DIRECTORY", "false");
        List<String> brickRoots = List.of(env.get("BRICK_ROOTS").split(","));
        assertThat(brickRoots).as("every brick root the peer checks comes from the node").isNotEmpty()
                .allSatisfy(root -> assertThat(hostPathOf(peerPod(), glusterd, root)).isEqualTo(Path.of(root)));
        Container driver = Manifests.container(controllerPod(), "gluster-csi-controller");
        assertThat(Manifests.requiredFlag(driver, "allowed-brick-roots").split(","))
                .as("the controller carves bricks only in roots the peers check").containsExactlyInAnyOrderElementsOf(
                        brickRoots);
    }

    @Test
    void aRollingUpdateOfThePeersWaitsForEachOneToBeReadyAndStopsItCleanly() {
        DaemonSet peers = Manifests.peers();
        Container glusterd = Manifests.container(peerPod(), "glusterfs");

        assertThat(peers.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(peers.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
                .isEqualTo(1);
        assertThat(glusterd.getReadinessProbe().getExec().getCommand()).containsExactly(
                "/usr/local/bin/gluster-peer", "ready");
        assertThat(glusterd.getReadinessProbe().getTimeoutSeconds())
                .as("gluster-peer ready answers within 8 s").isGreaterThanOrEqualTo(10);
        assertThat(glusterd.getLifecycle().getPreStop().getExec().getCommand()).containsExactly(
                "/usr/local/bin/gluster-peer", "stop");
        assertThat(peerPod().getTerminationGracePeriodSeconds())
                .as("gluster-peer stop: up to 30 s for bricks and daemons, then glusterd on SIGTERM, and slack")
                .isGreaterThanOrEqualTo(45L);
    }

    @Test
    void everyAllowedBrickRootIsMountedIntoThePeers() {
        Container driver = Manifests.container(controllerPod(), "gluster-csi-controller");
        Container glusterd = Manifests.container(peerPod(), "glusterfs");

        assertThat(Manifests.requiredFlag(driver, "allowed-brick-roots").split(",")).allSatisfy(root ->
                assertThat(hostPathOf(peerPod(), glusterd, root.strip())).isEqualTo(Path.of(root.strip())));
    }

    @Test
    void theCsiDriverObjectMatchesWhatTheDriverImplements() {
        CSIDriver driver = Manifests.ofKind(Manifests.installed(), CSIDriver.class).get(0);

        assertThat(driver.getMetadata().getName()).isEqualTo(Manifests.DRIVER);
        assertThat(driver.getSpec().getAttachRequired()).as("no ControllerPublishVolume").isFalse();
        assertThat(driver.getSpec().getVolumeLifecycleModes()).containsExactly("Persistent");
        assertThat(driver.getSpec().getFsGroupPolicy()).isEqualTo("File");
    }

    @Test
    void theControllerRunsUnprivilegedUnderItsOwnServiceAccount() {
        Deployment controller = Manifests.controller();
        PodSpec pod = controller.getSpec().getTemplate().getSpec();

        assertThat(pod.getServiceAccountName()).isEqualTo("gluster-csi-controller");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getContainers()).allSatisfy(c -> {
            assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        });
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    }
}
