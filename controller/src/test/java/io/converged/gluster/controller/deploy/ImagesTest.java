package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Dockerfiles build what the manifests deploy, from the jars Maven builds. */
class ImagesTest {
    private static final Map<String, Manifests.Image> PINS = Manifests.kustomization().images().stream()
            .collect(Collectors.toMap(Manifests.Image::name, Function.identity()));

    private static String dockerfile(String image) {
        return Manifests.read(Manifests.IMAGES.resolve(image).resolve("Dockerfile"));
    }

    private static String pinned(String name) {
        Manifests.Image pin = PINS.get(name);
        return pin.newName() + ":" + pin.newTag();
    }

    @Test
    void eachDockerfileIsBuiltUnderTheNameAndTagTheKustomizationDeploys() {
        assertThat(Map.of("controller", "gluster-csi-controller", "node", "gluster-csi-node",
                "peer", "glusterfs-peer")).allSatisfy((dir, image) ->
                        assertThat(dockerfile(dir)).contains("-t " + pinned(image) + " ."));
    }

    @Test
    void theJavaImagesRunTheShadedJarsWithSmallFootprintFlags() {
        assertThat(Map.of("controller", "controller/target/gluster-csi-controller.jar",
                "node", "node/target/gluster-csi-node.jar")).allSatisfy((dir, jar) -> {
                    String text = dockerfile(dir);
                    assertThat(text).contains("COPY " + jar + " ").contains("openjdk-17-jre-headless")
                            .contains("\"-XX:+UseSerialGC\"", "\"-Xss512k\"", "\"-XX:TieredStopAtLevel=1\"",
                                    "\"-Xshare:auto\"")
                            .containsPattern("\"-XX:MaxRAM=\\d+m\"");
                });
    }

    @Test
    void onlyTheNodeAndPeerImagesCarryGluster() {
        assertThat(dockerfile("controller")).doesNotContain("glusterfs-");
        assertThat(dockerfile("node")).contains("glusterfs-client").doesNotContain("glusterfs-server");
        assertThat(dockerfile("peer")).contains("glusterfs-server").doesNotContain("openjdk");
    }

    @Test
    void theNodeImageRunsItsJvmsUnderTiniSoExitedFuseClientsAreReaped() {
        String node = dockerfile("node");

        assertThat(node).containsPattern("apt-get install[^\\n]*\\btini\\b")
                .contains("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"java\"");
        assertThat(Manifests.container(Manifests.mountKeeper().getSpec().getTemplate().getSpec(), "mount-keeper")
                .getCommand()).startsWith("/usr/bin/tini", "--", "java");
    }

    @Test
    void theMountKeeperRunsAMainClassOfTheNodeJarTheImageHolds() {
        List<String> command = Manifests.container(Manifests.mountKeeper().getSpec().getTemplate().getSpec(),
                "mount-keeper").getCommand();
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
    void thePeerImageRunsGlusterdInTheForegroundAsTheDaemonSetExpects() {
        assertThat(dockerfile("peer")).contains("\"/usr/sbin/glusterd\", \"--no-daemon\"");
        assertThat(Manifests.container(Manifests.peers().getSpec().getTemplate().getSpec(), "glusterfs")
                .getCommand()).startsWith("/usr/sbin/glusterd", "--no-daemon");
    }
}
