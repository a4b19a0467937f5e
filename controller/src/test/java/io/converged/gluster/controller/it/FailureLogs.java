package io.converged.gluster.controller.it;

import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Keeps the logs of a failed test, which the test's temporary directory and its pool's teardown would
 * otherwise take with them: the controller jars' logs ({@code *.log} in the test's directory) and every
 * peer's gluster logs (glusterd, bricks, and the client logs of the controller's pool and copy mounts)
 * are copied to {@code target/it-logs/CLASS/METHOD/} while the pool still runs.
 */
final class FailureLogs implements TestWatcher {
    private final GlusterPoolExtension pool;
    private final Supplier<Path> testDir;

    FailureLogs(GlusterPoolExtension pool, Supplier<Path> testDir) {
        this.pool = pool;
        this.testDir = testDir;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Path keep = Path.of("target", "it-logs", context.getRequiredTestClass().getSimpleName(),
                context.getRequiredTestMethod().getName());
        try {
            Path dir = testDir.get();
            if (dir != null) {
                copyLogs(dir, keep.resolve("controller"), 1);
            }
            for (LocalGlusterPool.Peer peer : pool.pool().peers()) {
                copyLogs(peer.logDir(), keep.resolve("peer" + peer.index()), Integer.MAX_VALUE);
                copyLogs(peer.brickPrefix().resolve("var/log/glusterfs"),
                        keep.resolve("peer" + peer.index() + "-clients"), Integer.MAX_VALUE);
            }
            System.out.println(context.getDisplayName() + " failed: its logs are kept in " + keep.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            System.out.println("cannot keep the logs of " + context.getDisplayName() + ": " + e);
        }
    }

    /** Copies the {@code .log} files under {@code from} (never into a mount under it) to {@code to}. */
    private static void copyLogs(Path from, Path to, int depth) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        List<Path> logs;
        try (Stream<Path> files = Files.find(from, depth, (path, attributes) -> attributes.isRegularFile()
                && path.getFileName().toString().endsWith(".log"))) {
            logs = files.toList();
        }
        for (Path log : logs) {
            Path copy = to.resolve(Optional.ofNullable(from.relativize(log).getParent()).map(Path::toString).orElse(""))
                    .resolve(log.getFileName());
            Files.createDirectories(copy.getParent());
            Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
