package io.converged.gluster.controller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.CsiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Filling a volume from a copy, stopped right after each of its steps (as a controller killed there stops)
 * and taken up by a fresh attempt on what the first left: the root ends with exactly the source's files,
 * recorded ready, with no staging directory left in it. Run on a local directory with the real commands;
 * what they do on a gluster mount is SnapshotCrashIT's.
 */
class RestoreCopyTest {
    private static final ContentSource SOURCE = new ContentSource.FromVolume("gcs-source");

    @TempDir
    Path dir;

    private final PeerTree tree = new PeerTree(new LocalCommandRunner(), Duration.ofSeconds(30));

    /** The controller "dies" right after a step: nothing after it runs. */
    private static final class Killed extends RuntimeException {
        Killed(Step step) {
            super("killed after " + step);
        }
    }

    private Path source() throws Exception {
        Path from = Files.createDirectories(dir.resolve("source"));
        Files.createDirectories(from.resolve("app/logs"));
        Files.writeString(from.resolve("app/data.txt"), "the data");
        Files.writeString(from.resolve("app/logs/today"), "a line");
        Files.writeString(from.resolve(".hidden"), "h");
        Files.createSymbolicLink(from.resolve("link"), Path.of("app/data.txt"));
        Files.createLink(from.resolve("app/hard"), from.resolve("app/data.txt"));
        Files.createLink(from.resolve("top-hard"), from.resolve("app/data.txt"));
        Files.setPosixFilePermissions(from, PosixFilePermissions.fromString("rwxr-x---"));
        return from;
    }

    private void fill(Path root, Step killedAt) throws Exception {
        Step.Listener listener = (step, volume) -> {
            if (step == killedAt) {
                throw new Killed(step);
            }
        };
        Copies copies = new Copies(null, dir.resolve("mounts").toString(), dir.resolve("logs").toString(),
                Duration.ofSeconds(30), listener, new CopyMetrics(), 1);
        try {
            RestoreCopy copy = new RestoreCopy("gcs-target", SOURCE, () -> {
                throw new AssertionError("the fill looks the source up only through its SourceFiles");
            }, null, false, copies);
            copy.fill(tree, root.toString(), () -> dir.resolve("source").toString());
        } finally {
            copies.close();
            assertThat(copies.awaitProcesses(Duration.ofSeconds(30))).as("the copy program ended").isTrue();
        }
    }

    /** Every path below the root with what it is: a file's text, a link's target, a directory. */
    private static Map<String, String> describe(Path root) throws Exception {
        Map<String, String> found = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(p -> !p.equals(root)).toList()) {
                String what = Files.isSymbolicLink(path) ? "-> " + Files.readSymbolicLink(path)
                        : Files.isDirectory(path) ? "dir" : "file " + Files.readString(path);
                found.put(root.relativize(path).toString(), what);
            }
        }
        return found;
    }

    @ParameterizedTest(name = "killed after {0}")
    @EnumSource(value = Step.class, names = {"RESTORE_STARTED", "RESTORE_COPYING", "RESTORE_COPIED",
        "RESTORE_READY"})
    void aFillKilledAfterAnyStepIsFinishedByTheNextAttemptWithNothingElseLeft(Step step) throws Exception {
        Path from = source();
        Path root = Files.createDirectory(dir.resolve("root"));

        assertThatThrownBy(() -> fill(root, step)).isInstanceOf(CsiException.class)
                .hasMessageContaining("killed after " + step);
        fill(root, null);

        assertThat(describe(root)).isEqualTo(describe(from));
        assertThat(tree.attribute(root.toString(), ContentRecord.ATTRIBUTE).flatMap(ContentRecord::parse))
                .contains(ContentRecord.copying(SOURCE).asReady());
        assertThat(Files.getAttribute(root.resolve("app/hard"), "unix:ino"))
                .isEqualTo(Files.getAttribute(root.resolve("app/data.txt"), "unix:ino"))
                .isEqualTo(Files.getAttribute(root.resolve("top-hard"), "unix:ino"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwxr-x---");
    }

    @Test
    void aFillKilledAfterItsCopyCopiesAgainOverWhatItLeft() throws Exception {
        Path from = source();
        Path root = Files.createDirectory(dir.resolve("root"));
        assertThatThrownBy(() -> fill(root, Step.RESTORE_COPIED)).isInstanceOf(CsiException.class);
        Files.delete(from.resolve(".hidden"));
        Files.writeString(from.resolve("app/data.txt"), "changed since");
        Files.writeString(root.resolve("app/logs/today"), "not the source's");

        fill(root, null);

        assertThat(describe(root)).isEqualTo(describe(from));
    }

    @Test
    void aReadyRootIsLeftAsItIsByALaterAttempt() throws Exception {
        source();
        Path root = Files.createDirectory(dir.resolve("root"));
        fill(root, null);
        Files.writeString(root.resolve("written-by-the-app"), "new");
        Files.setLastModifiedTime(root, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));

        fill(root, null);

        assertThat(Files.readString(root.resolve("written-by-the-app"))).isEqualTo("new");
        assertThat(Files.getLastModifiedTime(root)).isEqualTo(FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void aRootWithFilesTheDriverDidNotPutThereIsNeverFilled() throws Exception {
        source();
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.writeString(root.resolve("someone-elses"), "x");

        assertThatThrownBy(() -> fill(root, null)).isInstanceOf(CsiException.class)
                .hasMessageContaining("holds files that no copy of this driver put there");
        assertThat(tree.names(root.toString())).isEqualTo(List.of("someone-elses"));
    }
}
