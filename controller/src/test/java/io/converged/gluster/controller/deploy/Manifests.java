package io.converged.gluster.controller.deploy;

import io.converged.gluster.csi.runtime.Driver;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the install manifests and the StorageClass examples as typed Kubernetes objects, strictly.
 *
 * <p>fabric8's model classes keep fields they do not know in an {@code additionalProperties} map
 * (a Jackson any-setter), so FAIL_ON_UNKNOWN_PROPERTIES alone never fires for them. The mapper here
 * switches any-setters off, which makes a misspelt or misplaced field (say {@code imagee}, or
 * {@code mountPropagation} on a volume) an error naming the field and its path, the way
 * {@code kubectl apply --validate=strict} would refuse it.
 */
final class Manifests {
    static final String DRIVER = Driver.NAME;
    static final Path ROOT = findRoot();
    static final Path INSTALL = ROOT.resolve("deploy/kubernetes");
    static final Path EXAMPLES = ROOT.resolve("storageclass-examples");
    static final Path IMAGES = ROOT.resolve("deploy/images");

    private static final KubernetesSerialization STRICT = new KubernetesSerialization(JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .annotationIntrospector(new NoAnySetter())
            .build(), true);

    private static final YAMLMapper STRICT_YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Manifests() {
    }

    /** Parses YAML text (one or more documents) into typed objects, failing on unknown fields. */
    static List<HasMetadata> parse(String yaml) {
        Object parsed = STRICT.unmarshal(yaml);
        List<HasMetadata> objects = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            for (Object item : list) {
                objects.add(typed(item));
            }
        } else {
            objects.add(typed(parsed));
        }
        return objects;
    }

    private static HasMetadata typed(Object item) {
        if (!(item instanceof HasMetadata object)) {
            throw new IllegalArgumentException("not a Kubernetes object: " + item);
        }
        return object;
    }

    static List<HasMetadata> load(Path file) {
        return parse(read(file));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The YAML files directly in a directory, sorted. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Kustomization kustomization() {
        return STRICT_YAML.readValue(read(INSTALL.resolve("kustomization.yaml")), Kustomization.class);
    }

    /** Every object the kustomization installs, in its resource order. */
    static List<HasMetadata> installed() {
        List<HasMetadata> objects = new ArrayList<>();
        for (String resource : kustomization().resources()) {
            objects.addAll(load(INSTALL.resolve(resource)));
        }
        return objects;
    }

    /** Every object in the examples directory. */
    static List<HasMetadata> examples() {
        List<HasMetadata> objects = new ArrayList<>();
        for (Path file : yamlFiles(EXAMPLES)) {
            objects.addAll(load(file));
        }
        return objects;
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> kind, String name) {
        return ofKind(objects, kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " named " + name));
    }

    static Deployment controller() {
        return named(installed(), Deployment.class, "gluster-csi-controller");
    }

    static DaemonSet nodePlugin() {
        return named(installed(), DaemonSet.class, "gluster-csi-node");
    }

    static DaemonSet mountKeeper() {
        return named(installed(), DaemonSet.class, "gluster-csi-mount-keeper");
    }

    static DaemonSet peers() {
        return named(installed(), DaemonSet.class, "glusterfs-peer");
    }

    static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container named " + name));
    }

    /** The value of {@code --name=value} among a container's args. */
    static Optional<String> flag(Container container, String name) {
        String prefix = "--" + name + "=";
        return container.getArgs().stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
                .findFirst();
    }

    static String requiredFlag(Container container, String name) {
        return flag(container, name).orElseThrow(
                () -> new AssertionError("container " + container.getName() + " has no --" + name + "=... argument"));
    }

    /** Every container (init containers too) of every workload installed. */
    static List<Container> allContainers(List<HasMetadata> objects) {
        List<Container> containers = new ArrayList<>();
        for (PodSpec pod : podSpecs(objects)) {
            containers.addAll(pod.getInitContainers());
            containers.addAll(pod.getContainers());
        }
        return containers;
    }

    static List<PodSpec> podSpecs(List<HasMetadata> objects) {
        List<PodSpec> pods = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (object instanceof Deployment d) {
                pods.add(d.getSpec().getTemplate().getSpec());
            } else if (object instanceof DaemonSet d) {
                pods.add(d.getSpec().getTemplate().getSpec());
            } else if (object instanceof Pod p) {
                pods.add(p.getSpec());
            }
        }
        return pods;
    }

    private static Path findRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/kubernetes/kustomization.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find deploy/kubernetes/kustomization.yaml above " + dir);
    }

    /** The kustomization file, with the fields this project uses; anything else is refused. */
    record Kustomization(String apiVersion, String kind, List<Label> labels, List<String> resources,
            List<Image> images) {
    }

    record Label(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {
    }

    record Image(String name, String newName, String newTag) {
    }

    /** Treats no method as a Jackson any-setter, so unknown fields fail instead of being kept. */
    private static final class NoAnySetter extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated annotated) {
            return Boolean.FALSE;
        }
    }
}
