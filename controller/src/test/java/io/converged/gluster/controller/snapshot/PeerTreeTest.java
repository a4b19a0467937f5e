package io.converged.gluster.controller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands of a copy, run for real on a local directory (what they do on a gluster mount is the ITs'). */
class PeerTreeTest {
    @TempDir
    Path dir;

    private final PeerTree tree = new PeerTree(new LocalCommandRunner(), Duration.ofSeconds(30));
    private final ExecutorService programs = Executors.newCachedThreadPool();
    /** Starts copy programs as the controller's copies do, and counts them. */
    private final AtomicInteger launched = new AtomicInteger();
    private final PeerTree.Launcher launcher = program -> {
        launched.incrementAndGet();
        return programs.submit(program);
    };

    @AfterEach
    void stopPrograms() {
        programs.shutdownNow();
    }

    @Test
    void entriesAreCopiedIntoTheRootWhichKeepsItsOwnAttributesUntilItTakesTheSourcesOwnerAndMode() throws Exception {
        Path from = Files.createDirectories(dir.resolve("from/sub"));
        Files.writeString(from.resolve("f"), "x");
        Files.writeString(dir.resolve("from/.hidden"), "h");
        Files.createLink(dir.resolve("from/hard"), from.resolve("f"));
        Files.setPosixFilePermissions(dir.resolve("from"), PosixFilePermissions.fromString("rwxrwx---"));
        tree.setAttribute(dir.resolve("from").toString(), "user.csi.claim", "the source's");
        Path root = Files.createDirectory(dir.resolve("root"));
        tree.setAttribute(root.toString(), "user.csi.claim", "the root's");

        assertThat(tree.copyEntries(dir.resolve("from").toString(), root.toString(), launcher).succeeded()).isTrue();

        assertThat(Files.readString(root.resolve("sub/f"))).isEqualTo("x");
        assertThat(Files.readString(root.resolve(".hidden"))).isEqualTo("h");
        assertThat(Files.getAttribute(root.resolve("hard"), "unix:ino"))
                .isEqualTo(Files.getAttribute(root.resolve("sub/f"), "unix:ino"));
        assertThat(tree.names(root.toString())).containsExactlyInAnyOrder("sub", ".hidden", "hard");
        assertThat(tree.attribute(root.toString(), "user.csi.claim")).contains("the root's");
        tree.copyOwnerAndMode(dir.resolve("from").toString(), root.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwxrwx---");
        launched.set(0);
        assertThat(tree.copyEntries(Files.createDirectory(dir.resolve("empty")).toString(), root.toString(), launcher)
                .succeeded()).isTrue();
        assertThat(launched).as("nothing to copy, no program").hasValue(0);
    }

    @Test
    void aThousandEntriesHoldingLinksToOneFileAreCopiedByOneRunSoTheirHardLinksStayWhileTheRestGoSideBySide()
            throws Exception {
        Path from = Files.createDirectories(dir.resolve("from-with-a-long-path-like-a-copy-mount-of-a-pool/"
                + ".csi-snapshots/gcs-snapshot-with-a-long-name/data"));
        Files.writeString(Files.createDirectory(from.resolve("dir")).resolve("first"), "linked");
        for (int i = 0; i < 1000; i++) {
            Files.createLink(from.resolve("a-link-with-a-name-of-some-length-" + i), from.resolve("dir/first"));
        }
        for (int i = 0; i < 20; i++) {
            Files.writeString(Files.createDirectory(from.resolve("d" + i)).resolve("f"), "file " + i);
        }
        Path root = Files.createDirectory(dir.resolve("root"));

        assertThat(tree.copyEntries(from.toString(), root.toString(), launcher).succeeded()).isTrue();

        assertThat(tree.names(root.toString())).hasSize(1021);
        assertThat(Files.getAttribute(root.resolve("a-link-with-a-name-of-some-length-999"), "unix:nlink"))
                .isEqualTo(1001);
        assertThat(Files.getAttribute(root.resolve("dir/first"), "unix:ino"))
                .isEqualTo(Files.getAttribute(root.resolve("a-link-with-a-name-of-some-length-0"), "unix:ino"));
        assertThat(Files.readString(root.resolve("d19/f"))).isEqualTo("file 19");
        assertThat(launched).hasValue(PeerTree.STREAMS);
    }

    @Test
    void namesWithNewlinesDashesAndBytesThatAreNotUtf8AreCopiedAsTheyAre() throws Exception {
        Path from = Files.createDirectory(dir.resolve("from"));
        Files.writeString(from.resolve("a\nnewline"), "n");
        Files.writeString(from.resolve("-dash"), "d");
        Files.writeString(from.resolve("sp ace"), "s");
        Path root = Files.createDirectory(dir.resolve("root"));

        assertThat(tree.copyEntries(from.toString(), root.toString(), launcher).succeeded()).isTrue();
        assertThat(tree.names(root.toString())).isNotEmpty();
        assertThat(Files.readString(root.resolve("a\nnewline"))).isEqualTo("n");
        assertThat(Files.readString(root.resolve("-dash"))).isEqualTo("d");
        assertThat(Files.readString(root.resolve("sp ace"))).isEqualTo("s");

        // xargs reads the name's bytes from a file, so no Java string has to hold them.
        Path list = dir.resolve("names");
        byte[] path = (from + "/latin-").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(path, path.length + 2);
        bytes[path.length] = (byte) 0xe9;
        Files.write(list, bytes);
        new LocalCommandRunner().run(List.of("xargs", "-0", "-a", list.toString(), "mkdir", "--"),
                Duration.ofSeconds(30)).requireSuccess("making a name that is not UTF-8");
        Path other = Files.createDirectory(dir.resolve("other"));
        launched.set(0);

        assertThat(tree.copyEntries(from.toString(), other.toString(), launcher).succeeded()).isTrue();

        assertThat(launched).as("find hands the names over").hasValue(0);
        try (Stream<Path> copied = Files.list(other)) {
            assertThat(copied).hasSize(4);
        }
    }

    @Test
    void entriesHoldingLinksToOneFileFormOneGroupAndGroupsAreDealtLargestFirstToTheLeastLoadedProgram() {
        List<String> names = List.of("a", "b", "c", "d", "e", "f");

        List<List<String>> groups = PeerTree.groups(names, List.of(Set.of("b", "e"), new java.util.LinkedHashSet<>(
                List.of("e", "f"))));

        assertThat(groups).containsExactly(List.of("a"), List.of("b", "e", "f"), List.of("c"), List.of("d"));
        assertThat(PeerTree.deal(groups, 2, 1000, 5)).containsExactly(
                List.of(List.of("b", "e", "f")), List.of(List.of("a", "c", "d")));
        assertThat(PeerTree.deal(List.of(List.of("x")), 4, 1000, 5)).as("programs without a name are left out")
                .containsExactly(List.of(List.of("x")));
        assertThat(PeerTree.deal(List.of(), 4, 1000, 5)).isEmpty();
    }

    @Test
    void aProgramsNamesArePackedIntoRunsOfTheBudgetAndAGroupIsSplitOnlyWhenItAloneIsOverIt() {
        // Each name costs 4 (prefix) + 1 + 1 (NUL) = 6 bytes; a run may hold 3.
        List<List<String>> groups = List.of(List.of("a", "b"), List.of("c", "d"), List.of("e"));

        assertThat(PeerTree.deal(groups, 1, 18, 4)).containsExactly(List.of(List.of("a", "b"), List.of("c", "d",
                "e")));
        assertThat(PeerTree.deal(List.of(List.of("a", "b", "c", "d", "e")), 1, 18, 4)).containsExactly(
                List.of(List.of("a", "b", "c"), List.of("d", "e")));
    }

    @Test
    void aCopyKeepsHolesAndAttributesButNotTheSourceRootsOwnAttributesAndIsMeasuredByWhatItTakesOnDisk()
            throws Exception {
        Path from = Files.createDirectory(dir.resolve("from"));
        try (var file = java.nio.channels.FileChannel.open(from.resolve("sparse"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 64L << 20);
        }
        tree.setAttribute(from.resolve("sparse").toString(), "user.kept", "yes");
        tree.setAttribute(from.toString(), "user.csi.claim", "v=1;request=r");
        tree.makeDirectories(dir.resolve("to").toString());

        assertThat(tree.copyEntries(from.toString(), dir.resolve("to").toString(), launcher).succeeded()).isTrue();

        assertThat(tree.attribute(dir.resolve("to/sparse").toString(), "user.kept")).contains("yes");
        assertThat(tree.attribute(dir.resolve("to").toString(), "user.csi.claim")).isEmpty();
        assertThat(tree.diskUsage(dir.resolve("to").toString())).isLessThan(1L << 20);
        assertThat(Files.size(dir.resolve("to/sparse"))).isEqualTo((64L << 20) + 1);
    }

    @Test
    void aMissingDirectoryListsNothingAndRenamesNeverReplace() throws Exception {
        assertThat(tree.names(dir.resolve("none").toString())).isEmpty();
        assertThat(tree.isDirectory(dir.resolve("none").toString())).isFalse();
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b/inside"));
        assertThatThrownBy(() -> tree.rename(dir.resolve("a").toString(), dir.resolve("b").toString()))
                .isInstanceOfSatisfying(CsiException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.INTERNAL));
        tree.removeTree(dir.resolve("b").toString());
        tree.rename(dir.resolve("a").toString(), dir.resolve("b").toString());
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("b");
        }
        tree.removeAttribute(dir.resolve("b").toString(), "user.never-set");
    }

    @Test
    void theBricksAMountIsNotConnectedToAreReadFromItsMetaTree() throws Exception {
        Path graph = Files.createDirectories(dir.resolve("mnt/.meta/graphs/active"));
        for (String client : new String[] {"pool-client-0", "pool-client-1", "pool-client-2"}) {
            Files.createDirectories(graph.resolve(client));
            Files.writeString(graph.resolve(client + "/private"), "[protocol/client." + client + "]\nfd.0 = x\n"
                    + "connected = " + (client.endsWith("1") ? "0" : "1") + "\ntotal_bytes_read = 7\n");
        }
        Files.createDirectories(graph.resolve("pool-replicate-0"));
        Files.writeString(graph.resolve("pool-replicate-0/private"), "child_up[0] = 1\nconnected = 0\n");
        String mount = dir.resolve("mnt").toString();

        assertThat(tree.disconnectedBricks(mount, "pool")).containsExactly("pool-client-1");

        Files.writeString(graph.resolve("pool-client-1/private"), "connected = 1\n");
        assertThat(tree.disconnectedBricks(mount, "pool")).isEmpty();
        assertThat(tree.disconnectedBricks(mount, "other")).isEmpty();
    }
}
