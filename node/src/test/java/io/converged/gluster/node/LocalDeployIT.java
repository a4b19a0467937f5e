package io.converged.gluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * README's first command, {@code deploy/local/run}, as a newcomer runs it: the whole main job on
 * this machine with the jars just built, and nothing left behind. It runs in the node module so
 * both jars exist; it holds the test pools' lock so no test pool shares the machine with it.
 */
class LocalDeployIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theMainJobRunsEndToEndAndLeavesNothingBehind() throws Exception {
        Path dir = Path.of("/tmp/gluster-csi-local-it-" + ProcessHandle.current().pid());
        Path log = Files.createTempFile("local-run-", ".log");
        try (FileChannel channel = FileChannel.open(Path.of(LocalGlusterPool.LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            Process run = new ProcessBuilder(List.of(REPO.resolve("deploy/local/run").toString(), dir.toString()))
                    .directory(REPO.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean finished = run.waitFor(10, TimeUnit.MINUTES);
            if (!finished) {
                run.descendants().forEach(ProcessHandle::destroyForcibly);
                run.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println(output);
            assertThat(finished).as("deploy/local/run finished within 10 minutes").isTrue();
            assertThat(run.exitValue()).as(output).isZero();
            assertThat(output).contains("pool formed: 127.1.1.1 127.1.1.2 127.1.1.3",
                    "the file is on 3 of 3 bricks",
                    "Driver:            glusterfs.converged.io",
                    "VolumeAttributes:  arbiter=false",
                    "quotaBytes=1073741824",
                    "main job done in");
            assertThat(output).containsPattern("127\\.1\\.1\\.1:/gcs-demo-\\d+ +1\\.0G");
            assertThat(dir).doesNotExist();
            assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(dir.toString());
            assertThat(glusterProcessesOf(dir)).isEmpty();
        } finally {
            Files.deleteIfExists(log);
            if (Files.exists(dir)) {
                new ProcessBuilder(List.of(REPO.resolve("deploy/local/down").toString(), dir.toString()))
                        .inheritIO().start().waitFor(2, TimeUnit.MINUTES);
            }
        }
    }

    /** Gluster processes whose command line names the directory or one of its 127.1.1.x peers. */
    private static List<String> glusterProcessesOf(Path dir) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .map(p -> {
                        try {
                            return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                    .replace('\0', ' ');
                        } catch (IOException e) {
                            return "";
                        }
                    })
                    .filter(cmd -> cmd.contains("gluster"))
                    .filter(cmd -> cmd.contains(dir.toString()) || cmd.contains("127.1.1."))
                    .toList();
        }
    }
}
