package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
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
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

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
                "StorageClass", "VolumeAttributesClass");

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

    /**
     * The sidecar majors this driver is written and tested for: csi-provisioner 6 and csi-resizer 2
     * (CSI 1.12, storage.k8s.io/v1 VolumeAttributesClass, Kubernetes 1.34+), node-driver-registrar 2,
     * livenessprobe 2. A new major is a decision (flags and RBAC change with it): add it here then.
     */
    static final Map<String, Set<Integer>> SUPPORTED_MAJORS = Map.of(
            "csi-provisioner", Set.of(6),
            "csi-resizer", Set.of(2),
            "csi-snapshotter", Set.of(8),
            "csi-node-driver-registrar", Set.of(2),
            "livenessprobe", Set.of(2),
            "csi-external-health-monitor-controller", Set.of(0));

    @Test
    void theSidecarsAreTheOfficialImagesOfASupportedMajorVersion() {
        Map<String, Manifests.Image> pins = Manifests.kustomization().images().stream()
                .collect(Collectors.toMap(Manifests.Image::name, Function.identity()));

        assertThat(SUPPORTED_MAJORS).allSatisfy((name, majors) -> {
            assertThat(pins.get(name).newName()).isEqualTo("registry.k8s.io/sig-storage/" + name);
            Matcher tag = SEMVER.matcher(pins.get(name).newTag());
            assertThat(tag.matches()).as(name + " tag " + pins.get(name).newTag()).isTrue();
            assertThat(majors).as(name + " " + pins.get(name).newTag() + " is a supported major").contains(
                    Integer.parseInt(tag.group(1)));
        });
    }

    private static final Pattern SEMVER = Pattern.compile("v(\\d+)\\.\\d+\\.\\d+");

    private static Container controllerContainer(String name) {
        return Manifests.container(Manifests.controller().getSpec().getTemplate().getSpec(), name);
    }

    /** The port number of a container's named port. */
    private static int port(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " declares no port " + name))
                .getContainerPort();
    }

    private static int portOf(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    @Test
    void theControllerSidecarsElectALeaderServeMetricsAndAreProbedWhereUpstreamProbesThem() {
        for (String name : List.of("csi-provisioner", "csi-resizer")) {
            Container sidecar = controllerContainer(name);
            String endpoint = Manifests.requiredFlag(sidecar, "http-endpoint");
            Probe liveness = sidecar.getLivenessProbe();

            assertThat(sidecar.getArgs()).as(name).contains("--leader-election", "--csi-address=/csi/csi.sock");
            assertThat(Manifests.requiredFlag(sidecar, "timeout")).isEqualTo("120s");
            assertThat(sidecar.getPorts()).as(name + " declares its http endpoint").singleElement()
                    .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(portOf(endpoint)));
            assertThat(liveness.getHttpGet().getPath()).isEqualTo("/healthz/leader-election");
            assertThat(port(sidecar, liveness.getHttpGet().getPort().getStrVal())).isEqualTo(portOf(endpoint));
        }
        assertThat(controllerContainer("csi-provisioner").getArgs()).contains("--extra-create-metadata");
        assertThat(Manifests.flag(controllerContainer("csi-provisioner"), "feature-gates"))
                .as("VolumeAttributesClass is GA in csi-provisioner 6: no gate to set").isEmpty();
        assertThat(portOf(Manifests.requiredFlag(controllerContainer("csi-provisioner"), "http-endpoint")))
                .isNotEqualTo(portOf(Manifests.requiredFlag(controllerContainer("csi-resizer"), "http-endpoint")));
    }

    @Test
    void livenessIsTheProcessAndReadinessIsThePeersAnswering() {
        Container driver = controllerContainer("gluster-csi-controller");
        Container livenessProbe = controllerContainer("liveness-probe");
        int metrics = portOf(Manifests.requiredFlag(driver, "metrics-address"));

        assertThat(driver.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(port(driver, driver.getLivenessProbe().getHttpGet().getPort().getStrVal()))
                .isEqualTo(portOf(Manifests.requiredFlag(livenessProbe, "http-endpoint")));
        assertThat(driver.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(port(driver, driver.getReadinessProbe().getHttpGet().getPort().getStrVal())).isEqualTo(metrics);
        assertThat(port(driver, "metrics")).isEqualTo(metrics);
    }

    @Test
    void theNodeSidecarsServeTheirHttpEndpointOnLoopbackAndTheRegistrarIsProbed() {
        PodSpec node = Manifests.nodePlugin().getSpec().getTemplate().getSpec();
        Container registrar = Manifests.container(node, "node-driver-registrar");
        Container livenessProbe = Manifests.container(node, "liveness-probe");
        Container plugin = Manifests.container(node, "gluster-csi-node");

        assertThat(Manifests.requiredFlag(registrar, "http-endpoint")).startsWith("127.0.0.1:");
        assertThat(Manifests.requiredFlag(livenessProbe, "http-endpoint")).startsWith("127.0.0.1:");
        assertThat(registrar.getLivenessProbe().getHttpGet().getPort().getIntVal())
                .isEqualTo(portOf(Manifests.requiredFlag(registrar, "http-endpoint")));
        assertThat(plugin.getLivenessProbe().getHttpGet().getPort().getIntVal())
                .isEqualTo(portOf(Manifests.requiredFlag(livenessProbe, "http-endpoint")));
        assertThat(port(plugin, "metrics")).isEqualTo(portOf(Manifests.requiredFlag(plugin, "metrics-address")));
    }

    @Test
    void eachMetricsServiceSelectsItsPodsAndNamesPortsTheyDeclare() {
        List<HasMetadata> objects = Manifests.installed();
        Map<String, PodSpec> workloads = Map.of(
                "gluster-csi-controller-metrics", Manifests.controller().getSpec().getTemplate().getSpec(),
                "gluster-csi-node-metrics", Manifests.nodePlugin().getSpec().getTemplate().getSpec());
        Map<String, Map<String, String>> podLabels = Map.of(
                "gluster-csi-controller-metrics", Manifests.controller().getSpec().getTemplate().getMetadata()
                        .getLabels(),
                "gluster-csi-node-metrics", Manifests.nodePlugin().getSpec().getTemplate().getMetadata().getLabels());

        assertThat(Manifests.ofKind(objects, Service.class)).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(workloads.keySet());
        workloads.forEach((name, pod) -> {
            Service service = Manifests.named(objects, Service.class, name);
            Set<String> declared = new HashSet<>();
            pod.getContainers().forEach(c -> c.getPorts().forEach(p -> declared.add(p.getName())));

            assertThat(service.getMetadata().getNamespace()).isEqualTo("gluster-csi");
            assertThat(service.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "metrics");
            assertThat(podLabels.get(name)).containsAllEntriesOf(service.getSpec().getSelector());
            assertThat(service.getSpec().getPorts()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.getName()).isNotBlank();
                assertThat(declared).as(name + " port " + p.getName()).contains(p.getTargetPort().getStrVal());
            });
            assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).contains("metrics");
        });
        assertThat(Manifests.named(objects, Service.class, "gluster-csi-controller-metrics").getSpec()
                .getPublishNotReadyAddresses()).as("scraped while no peer answers").isTrue();
    }

    @Test
    void theServiceMonitorsAreAnExampleOutsideTheInstallAndScrapeTheMetricsServicesPorts() {
        Path monitoring = Manifests.INSTALL.resolve("monitoring");
        List<HasMetadata> installed = Manifests.installed();
        JsonNode kustomization = YAML.readTree(Manifests.read(monitoring.resolve("kustomization.yaml")));
        List<JsonNode> monitors = YAML.readerFor(JsonNode.class)
                .<JsonNode>readValues(Manifests.read(monitoring.resolve("servicemonitor.yaml"))).readAll();

        assertThat(Manifests.kustomization().resources()).noneMatch(r -> r.contains("monitoring"));
        assertThat(kustomization.path("resources").get(0).asString()).isEqualTo("servicemonitor.yaml");
        assertThat(monitors).hasSize(2).allSatisfy(monitor -> {
            assertThat(monitor.path("apiVersion").asString()).isEqualTo("monitoring.coreos.com/v1");
            assertThat(monitor.path("kind").asString()).isEqualTo("ServiceMonitor");
            Map<String, String> selector = new TreeMap<>();
            monitor.path("spec").path("selector").path("matchLabels").properties()
                    .forEach(e -> selector.put(e.getKey(), e.getValue().asString()));
            List<Service> selected = Manifests.ofKind(installed, Service.class).stream()
                    .filter(s -> s.getMetadata().getNamespace().equals(monitor.path("metadata").path("namespace")
                            .asString()) && s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            assertThat(selected).as("Services the ServiceMonitor selects").singleElement();
            Set<String> ports = selected.get(0).getSpec().getPorts().stream().map(ServicePort::getName)
                    .collect(Collectors.toSet());
            assertThat(monitor.path("spec").path("endpoints")).isNotEmpty()
                    .allSatisfy(e -> assertThat(ports).contains(e.path("port").asString()));
        });
    }

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    @Test
    void theExamplesDirectoryHoldsOnlyObjectsAUserApplies() {
        assertThat(Manifests.examples()).extracting(HasMetadata::getKind)
                .containsOnly("StorageClass", "VolumeAttributesClass", "PersistentVolumeClaim", "Pod");
    }
}
