package io.converged.gluster.csi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A pool starting after a crashed run removes what that run left: its glusterd and its directory. */
class LocalGlusterPoolLeftoversIT {

    @Test
    void aGlusterdLeftByACrashedRunIsKilledAndItsDirectoryRemoved() throws Exception {
        Path crashed = Files.createTempDirectory(Path.of("/tmp"), LocalGlusterPool.DIR_PREFIX + "crashed-");
        for (String sub : List.of("gd", "run", "log")) {
            Files.createDirectories(crashed.resolve(sub));
        }
        // 127.1.9.9: no pool of this suite has nine peers, so this cannot collide with a running pool.
        CommandResult started = new LocalCommandRunner().run(List.of("glusterd",
                "--xlator-option", "management.working-directory=" + crashed.resolve("gd"),
                "--xlator-option", "management.transport.socket.bind-address=127.1.9.9",
                "--xlator-option", "management.glusterd-sockfile=" + crashed.resolve("gd/gd.sock"),
                "--xlator-option", "management.run-directory=" + crashed.resolve("run"),
                "--xlator-option", "management.logging-directory=" + crashed.resolve("log"),
                "--log-file=" + crashed.resolve("log/glusterd.log"),
                "--pid-file=" + crashed.resolve("run/glusterd.pid")), Duration.ofSeconds(30));
        assertThat(started.succeeded()).as(started.message()).isTrue();
        long pid = Long.parseLong(Files.readString(crashed.resolve("run/glusterd.pid")).strip());
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid);
        assertThat(orphan).isPresent();

        try (LocalGlusterPool pool = LocalGlusterPool.startUnformed(1)) {
            assertThat(orphan.get().isAlive() && !zombie(pid)).as("the crashed run's glusterd").isFalse();
            assertThat(crashed).doesNotExist();
            assertThat(pool.gluster(1, "pool", "list").succeeded()).isTrue();
        } finally {
            if (orphan.get().isAlive()) {
                orphan.get().destroyForcibly();
            }
        }
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
