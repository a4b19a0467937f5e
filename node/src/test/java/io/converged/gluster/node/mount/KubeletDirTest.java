package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KubeletDirTest {
    @TempDir
    Path dir;

    private Path root;
    private KubeletDir kubelet;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(dir.resolve("kubelet"));
        kubelet = new KubeletDir(root);
    }

    static Stream<String> outside() {
        return Stream.of("/etc", "/usr/local/x", "/", "/var/lib/kubelet-other/pods/x");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outside")
    void aPathOutsideTheKubeletDirectoryIsInvalidAndNamesTheField(String path) {
        assertRefused(Path.of(path), "outside the kubelet directory");
    }

    @Test
    void aSiblingWhoseNameStartsLikeTheDirectoryIsOutside() {
        assertRefused(dir.resolve("kubelet-evil/pods/x"), "outside the kubelet directory");
    }

    @Test
    void theKubeletDirectoryItselfIsNoPlaceToMount() {
        assertRefused(root, "outside the kubelet directory");
    }

    @Test
    void dotDotIsRefusedEvenWhenItWouldStayInside() {
        assertRefused(Path.of(root + "/pods/../../../etc"), "'..'");
        assertRefused(Path.of(root + "/pods/a/../b"), "'..'");
    }

    @Test
    void aRelativePathIsRefused() {
        assertRefused(Path.of("pods/x"), "absolute");
    }

    @Test
    void aLinkOnTheWayThatLeadsOutIsRefusedWithWhereItLeads() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(Files.createDirectories(root.resolve("pods")).resolve("escape"), outside);

        assertRefused(root.resolve("pods/escape/volumes/pv/mount"), "resolves to " + outside.toRealPath()
                + "/volumes/pv/mount");
        assertThat(outside.resolve("volumes")).doesNotExist();
    }

    @Test
    void aLinkAsTheLastNameIsRefusedWhereverItPoints() throws Exception {
        Path inside = Files.createDirectories(root.resolve("pods/real"));
        Path link = Files.createSymbolicLink(root.resolve("pods/link"), inside);

        assertRefused(link, "symbolic link");
    }

    @Test
    void aDanglingLinkOnTheWayIsRefused() throws Exception {
        Files.createSymbolicLink(Files.createDirectories(root.resolve("pods")).resolve("dangling"),
                dir.resolve("nowhere"));

        assertRefused(root.resolve("pods/dangling/x/mount"), "cannot be resolved");
    }

    @Test
    void aPathInsideIsReturnedAsTheMountTableShowsItEvenWhenItDoesNotExistYet() throws Exception {
        Path missing = root.resolve("pods/uid/volumes/kubernetes.io~csi/pv/mount");

        assertThat(kubelet.check("target_path", missing))
                .isEqualTo(root.toRealPath().resolve("pods/uid/volumes/kubernetes.io~csi/pv/mount"));
        assertThat(root.resolve("pods")).doesNotExist();
    }

    @Test
    void aLinkThatStaysInsideAndAKubeletDirectoryReachedThroughALinkAreFine() throws Exception {
        Path plugins = Files.createDirectories(root.resolve("plugins"));
        Files.createSymbolicLink(root.resolve("plugins-link"), plugins);
        Path linkedRoot = Files.createSymbolicLink(dir.resolve("kubelet-link"), root);

        assertThat(kubelet.check("staging_target_path", root.resolve("plugins-link/pv/globalmount")))
                .isEqualTo(plugins.toRealPath().resolve("pv/globalmount"));
        assertThat(new KubeletDir(linkedRoot).check("staging_target_path", linkedRoot.resolve("plugins/pv/g")))
                .isEqualTo(plugins.toRealPath().resolve("pv/g"));
        assertThat(kubelet.contains(root.resolve("plugins/x"))).isTrue();
        assertThat(kubelet.contains(Path.of("/etc/x"))).isFalse();
    }

    private void assertRefused(Path path, String mentions) {
        assertThatThrownBy(() -> kubelet.check("target_path", path))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.INVALID))
                .hasMessageContaining("target_path '" + path + "'").hasMessageContaining(mentions);
    }
}
