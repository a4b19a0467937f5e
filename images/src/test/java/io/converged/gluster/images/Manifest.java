package io.converged.gluster.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * One container of a workload in deploy/kubernetes, read from the YAML as it is, so the images test
 * runs the containers with the commands, arguments, environment and hooks the install gives them.
 */
final class Manifest {
    static final Path ROOT = findRoot();
    static final Path INSTALL = ROOT.resolve("deploy/kubernetes");

    private final JsonNode pod;
    private final JsonNode container;

    private Manifest(JsonNode pod, JsonNode container) {
        this.pod = pod;
        this.container = container;
    }

    /** The container NAME of the workload (Deployment or DaemonSet) WORKLOAD in FILE. */
    static Manifest container(String file, String workload, String name) {
        for (JsonNode doc : documents(INSTALL.resolve(file))) {
            if (!doc.path("metadata").path("name").asString("").equals(workload)) {
                continue;
            }
            JsonNode pod = doc.path("spec").path("template").path("spec");
            for (JsonNode c : pod.path("containers")) {
                if (c.path("name").asString("").equals(name)) {
                    return new Manifest(pod, c);
                }
            }
        }
        throw new IllegalArgumentException("no container " + name + " of " + workload + " in " + file);
    }

    /** The newName:newTag the kustomization deploys for an image name. */
    static String image(String name) {
        for (JsonNode doc : documents(INSTALL.resolve("kustomization.yaml"))) {
            for (JsonNode image : doc.path("images")) {
                if (image.path("name").asString("").equals(name)) {
                    return image.path("newName").asString() + ":" + image.path("newTag").asString();
                }
            }
        }
        throw new IllegalArgumentException("the kustomization pins no image " + name);
    }

    List<String> command() {
        return strings(container.path("command"));
    }

    List<String> args() {
        return strings(container.path("args"));
    }

    /** The literal environment variables (name: value) of the container. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asString(), e.path("value").asString());
            }
        }
        return env;
    }

    /** The mount path of the container's volume mount named NAME. */
    String mountPath(String volume) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("name").asString("").equals(volume)) {
                return m.path("mountPath").asString();
            }
        }
        throw new IllegalArgumentException("no volume mount " + volume);
    }

    List<String> readinessCommand() {
        return strings(container.path("readinessProbe").path("exec").path("command"));
    }

    int readinessTimeoutSeconds() {
        return container.path("readinessProbe").path("timeoutSeconds").asInt(1);
    }

    List<String> preStopCommand() {
        return strings(container.path("lifecycle").path("preStop").path("exec").path("command"));
    }

    int terminationGracePeriodSeconds() {
        return pod.path("terminationGracePeriodSeconds").asInt(30);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            values.add(value.asString());
        }
        return values;
    }

    private static List<JsonNode> documents(Path file) {
        try {
            String text = Files.readString(file);
            try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(text)) {
                return docs.readAll();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
}
