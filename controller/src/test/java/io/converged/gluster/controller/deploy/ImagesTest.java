package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles build what the manifests deploy, from the jars Maven builds. (The images module's
 * ImagesIT builds them with deploy/images/build and runs them.)
 */
class ImagesTest {
    private static final Map<String, Manifests.Image> PINS = Manifests.kustomization().images().stream()
            .collect(Collectors.toMap(Manifests.Image::name, Function.identity()));
    private static final Map<String, String> IMAGE_OF = Map.of("controller", "gluster-csi-controller",
            "node", "gluster-csi-node", "peer", "glusterfs-peer");

    private static String dockerfile(String image) {
        return Manifests.read(Manifests.IMAGES.resolve(image).resolve("Dockerfile"));
    }

    private static String pinned(String name) {
        Manifests.Image pin = PINS.get(name);
        return pin.newName() + ":" + pin.newTag();
    }

    /** The text of a stage, from its {@code # ---- NAME:} comment to the next such comment. */
    private static String stage(String dockerfile, String name) {
        int start = dockerfile.indexOf("# ---- " + name + ":");
        assertThat(start).as("a stage opened by '# ---- " + name + ":'").isNotNegative();
        int end = dockerfile.indexOf("# ---- ", start + 1);
        return dockerfile.substring(start, end < 0 ? dockerfile.length() : end);
    }

    private static Container peer() {
        return Manifests.container(Manifests.peers().getSpec().getTemplate().getSpec(), "glusterfs");
    }

    private static List<String> keeperCommand() {
        return Manifests.container(Manifests.mountKeeper().getSpec().getTemplate().getSpec(), "mount-keeper")
                .getCommand();
    }

    @Test
    void eachDockerfileIsBuiltUnderTheNameAndTagTheKustomizationDeploys() {
        assertThat(IMAGE_OF).allSatisfy((dir, image) -> {
            assertThat(pinned(image)).startsWith("ghcr.io/gluster-converged-csi/" + image + ":");
            assertThat(dockerfile(dir)).contains("-t " + pinned(image) + " .")
                    .contains("ARG VERSION=" + PINS.get(image).newTag() + "\n");
        });
        assertThat(Manifests.read(Manifests.IMAGES.resolve("build")))
                .as("the build script takes its tags from the kustomization")
                .contains("deploy/kubernetes/kustomization.yaml", "newTag:", "newName:");
    }

    @Test
    void theSharedStagesAreWordForWordTheSameSoPodmanBuildsThemOnce() {
        String gluster = stage(dockerfile("peer"), "gluster");
        String jre = stage(dockerfile("controller"), "jre");

        assertThat(IMAGE_OF.keySet()).allSatisfy(image ->
                assertThat(stage(dockerfile(image), "gluster")).as(image).isEqualTo(gluster));
        assertThat(stage(dockerfile("node"), "jre")).isEqualTo(jre);
        assertThat(gluster).contains("FROM ${BASE_IMAGE} AS gluster", "glusterfs-client", "glusterfs-cli", "tini");
        assertThat(jre).contains("FROM ${BASE_IMAGE} AS jre", "openjdk-17-jdk-headless", "jlink",
                "--generate-cds-archive");
        assertThat(dockerfile("peer")).doesNotContain("AS jre").contains("\nFROM gluster\n");
        assertThat(List.of("controller", "node")).allSatisfy(image -> assertThat(dockerfile(image))
                .contains("\nFROM gluster\nCOPY --from=jre /opt/java /opt/java\n"));
    }

    @Test
    void everyImageSaysInLabelsWhatItHolds() {
        assertThat(IMAGE_OF).allSatisfy((dir, image) -> assertThat(dockerfile(dir)).as(dir).contains(
                "org.opencontainers.image.title=\"" + image + "\"",
                "org.opencontainers.image.description=",
                "org.opencontainers.image.version=\"${VERSION}\"",
                "org.opencontainers.image.revision=\"${REVISION}\"",
                "org.opencontainers.image.source=",
                "org.opencontainers.image.licenses=",
                "io.converged.gluster.glusterfs.version=\"${GLUSTER_VERSION}\""));
    }

    @Test
    void theJavaImagesRunTheShadedJarsWithSmallFootprintFlagsAndClassDataSharing() {
        assertThat(Map.of("controller", "controller/target/gluster-csi-controller.jar",
                "node", "node/target/gluster-csi-node.jar")).allSatisfy((dir, jar) -> {
                    String text = dockerfile(dir);
                    String archive = "/opt/gluster-csi/" + dir + ".jsa";
                    assertThat(text).contains("COPY " + jar + " ")
                            .contains("\"-XX:+UseSerialGC\"", "\"-Xss512k\"", "\"-XX:TieredStopAtLevel=1\"",
                                    "\"-Xshare:auto\"")
                            .containsPattern("\"-XX:MaxRAM=\\d+m\"")
                            .contains("-XX:ArchiveClassesAtExit=" + archive,
                                    "\"-XX:SharedArchiveFile=" + archive + "\"");
                });
    }

    @Test
    void theControllerImageCarriesTheGlusterCliAndClientForPeersFileModeAndOnlyThePeerImageCarriesGlusterd() {
        assertThat(dockerfile("controller")).contains("--peers-file").contains("\nFROM gluster\n")
                .doesNotContain("glusterfs-server");
        assertThat(dockerfile("node")).contains("\nFROM gluster\n").doesNotContain("glusterfs-server");
        assertThat(dockerfile("peer")).contains("glusterfs-server").doesNotContain("openjdk");
    }

    @Test
    void theJavaImagesRunTheirJvmsUnderTiniSoExitedFuseClientsAreReaped() {
        assertThat(List.of("controller", "node")).allSatisfy(image -> assertThat(dockerfile(image))
                .contains("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"java\""));
        assertThat(keeperCommand()).startsWith("/usr/bin/tini", "--", "java");
    }

    @Test
    void theMountKeeperRunsAMainClassOfTheNodeJarTheImageHolds() {
        List<String> command = keeperCommand();
        String mainClass = command.get(command.size() - 1);
        String jar = command.get(command.indexOf("-cp") + 1);

        assertThat(mainClass).isEqualTo("io.converged.gluster.node.keeper.KeeperMain");
        assertThat(Manifests.ROOT.resolve("node/src/main/java/" + mainClass.replace('.', '/') + ".java"))
                .isRegularFile();
        assertThat(dockerfile("node")).contains("COPY node/target/gluster-csi-node.jar " + Path.of(jar).getFileName())
                .contains("WORKDIR " + Path.of(jar).getParent());
        assertThat(Manifests.container(Manifests.mountKeeper().getSpec().getTemplate().getSpec(), "mount-keeper")
                .getImage()).isEqualTo("gluster-csi-node");
        assertThat(command).contains("-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1", "-Xshare:auto")
                .anySatisfy(flag -> assertThat(flag).matches("-XX:MaxRAM=\\d+m"));
        String archive = command.stream().filter(flag -> flag.startsWith("-XX:SharedArchiveFile="))
                .map(flag -> flag.substring("-XX:SharedArchiveFile=".length())).findFirst().orElseThrow();
        assertThat(dockerfile("node")).as("the image records the keeper's class-data archive")
                .contains("-XX:ArchiveClassesAtExit=" + archive);
    }

    @Test
    void thePeerDaemonSetRunsTheScriptThePeerImageInstallsWhichBecomesGlusterdInTheForeground() {
        Matcher copied = Pattern.compile("COPY deploy/images/peer/gluster-peer (\\S+)").matcher(dockerfile("peer"));

        assertThat(copied.find()).isTrue();
        String script = copied.group(1);
        Path source = Manifests.IMAGES.resolve("peer/gluster-peer");
        assertThat(Files.isExecutable(source)).isTrue();
        assertThat(Manifests.read(source)).contains("os.execv(GLUSTERD", "\"--no-daemon\"", "\"--log-file=-\"");
        assertThat(dockerfile("peer")).contains("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"" + script + "\", \"run\"]");
        assertThat(peer().getCommand()).containsExactly("/usr/bin/tini", "--", script, "run");
        assertThat(peer().getReadinessProbe().getExec().getCommand()).containsExactly(script, "ready");
        assertThat(peer().getLifecycle().getPreStop().getExec().getCommand()).containsExactly(script, "stop");
    }
}
