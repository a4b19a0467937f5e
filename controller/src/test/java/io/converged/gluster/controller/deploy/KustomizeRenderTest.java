package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl apply -k deploy/kubernetes} would send: the install rendered by the real
 * kustomize (kubectl's), read back with the strict parser. The other deploy tests read the files one
 * by one; this one proves kustomize accepts the kustomization and puts the pinned images and the
 * common label where they belong. Needs {@code kubectl} on the PATH (kustomize v5 is built into it).
 */
class KustomizeRenderTest {

    /** Runs {@code kubectl kustomize DIR} and returns what it prints. */
    static String render(Path dir) throws IOException, InterruptedException {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is needed to render the install (kubectl kustomize); install it", e);
        }
        byte[] out = kubectl.getInputStream().readAllBytes();
        String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
        assertThat(kubectl.exitValue()).as("kubectl kustomize %s: %s", dir, err).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String key(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    @Test
    void kustomizeRendersEveryObjectOfTheInstallWithThePinnedImagesAndTheCommonLabel() throws Exception {
        List<HasMetadata> rendered = Manifests.parse(render(Manifests.INSTALL));
        Map<String, String> pinned = Manifests.kustomization().images().stream()
                .collect(Collectors.toMap(Manifests.Image::name, i -> i.newName() + ":" + i.newTag()));

        assertThat(rendered).extracting(KustomizeRenderTest::key)
                .containsExactlyInAnyOrderElementsOf(Manifests.installed().stream().map(KustomizeRenderTest::key)
                        .toList());
        assertThat(rendered).allSatisfy(o -> assertThat(o.getMetadata().getLabels()).as(key(o))
                .containsEntry("app.kubernetes.io/part-of", "gluster-converged-csi"));
        List<Container> containers = Manifests.allContainers(rendered);
        assertThat(containers).isNotEmpty().allSatisfy(c -> assertThat(pinned.values()).as(c.getName())
                .contains(c.getImage()));
        Map<String, Container> byName = containers.stream()
                .collect(Collectors.toMap(Container::getImage, Function.identity(), (a, b) -> a));
        ManifestsTest.SUPPORTED_MAJORS.forEach((sidecar, majors) -> assertThat(byName.keySet())
                .as("the rendered install runs " + sidecar).anySatisfy(image -> assertThat(image)
                        .startsWith("registry.k8s.io/sig-storage/" + sidecar + ":v")));
        Deployment controller = Manifests.named(rendered, Deployment.class, "gluster-csi-controller");
        assertThat(controller.getSpec().getSelector().getMatchLabels())
                .as("the common label stays out of selectors, which cannot change on a running install")
                .doesNotContainKey("app.kubernetes.io/part-of");
    }

    @Test
    void theMonitoringKustomizationRendersTheServiceMonitors() throws Exception {
        String rendered = render(Manifests.INSTALL.resolve("monitoring"));

        assertThat(rendered.lines().filter(l -> l.equals("kind: ServiceMonitor"))).hasSize(2);
        assertThat(rendered).contains("name: gluster-csi-controller", "name: gluster-csi-node",
                "port: provisioner-metrics");
    }
}
