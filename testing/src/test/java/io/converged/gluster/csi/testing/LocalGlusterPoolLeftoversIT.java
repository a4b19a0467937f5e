package io.converged.gluster.csi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** A pool starting after a crashed run removes what that run left: its glusterd and its directory. */
class LocalGlusterPoolLeftoversIT {
    private final long[] pids = {-1};

    @Test
    void aGlusterdLeftByACrashedRunIsKilledAndItsDirectoryRemoved() throws Exception {
        Path crashed = Path.of("/tmp", LocalGlusterPool.DIR_PREFIX + "crashed-" + ProcessHandle.current().pid());
        CommandResult[] started = new CommandResult[1];
        // The crashed run's leftovers are made under the machine-wide lock: another JVM's pool start would
        // otherwise clean them up before this pool does.
        try (LocalGlusterPool pool = LocalGlusterPool.startUnformed(1, () -> {
            for (String sub : List.of("gd", "run", "log")) {
                Files.createDirectories(crashed.resolve(sub));
            }
            // 127.1.9.9: no pool of this suite has nine peers, so this cannot collide with a running pool.
            started[0] = new LocalCommandRunner().run(List.of("glusterd",
                    "--xlator-option", "management.working-directory=" + crashed.resolve("gd"),
                    "--xlator-option", "management.transport.socket.bind-address=127.1.9.9",
                    "--xlator-option", "management.glusterd-sockfile=" + crashed.resolve("gd/gd.sock"),
                    "--xlator-option", "management.run-directory=" + crashed.resolve("run"),
                    "--xlator-option", "management.logging-directory=" + crashed.resolve("log"),
                    "--log-file=" + crashed.resolve("log/glusterd.log"),
                    "--pid-file=" + crashed.resolve("run/glusterd.pid")), Duration.ofSeconds(30));
            if (!started[0].succeeded()) {
                return;
            }
            // glusterd writes its pid file once it runs: the leftover is whole before the cleanup looks.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(crashed.resolve("run/glusterd.pid")) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            pids[0] = Files.exists(crashed.resolve("run/glusterd.pid"))
                    ? Long.parseLong(Files.readString(crashed.resolve("run/glusterd.pid")).strip()) : -1;
        })) {
            assertThat(started[0].succeeded()).as(started[0].message()).isTrue();
            assertThat(pids[0]).as("the crashed run's glusterd pid").isPositive();
            Optional<ProcessHandle> orphan = ProcessHandle.of(pids[0]);
            assertThat(orphan.isPresent() && orphan.get().isAlive() && !zombie(pids[0]))
                    .as("the crashed run's glusterd").isFalse();
            assertThat(crashed).doesNotExist();
            assertThat(pool.gluster(1, "pool", "list").succeeded()).isTrue();
        } finally {
            if (pids[0] > 0) {
                ProcessHandle.of(pids[0]).ifPresent(ProcessHandle::destroyForcibly);
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
