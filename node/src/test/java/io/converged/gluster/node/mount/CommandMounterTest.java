package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.CommandTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandMounterTest {
    private static final Duration MOUNT = Duration.ofSeconds(7);
    private static final Duration STAT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private ScriptedRunner runner;
    private CommandMounter mounter;
    private final Path target = Path.of("/var/lib/kubelet/pods/p/volumes/mount");

    /** Answers commands from a script and remembers what it was asked to run, with which bound. */
    static final class ScriptedRunner implements CommandRunner {
        final List<List<String>> commands = new ArrayList<>();
        final List<Duration> timeouts = new ArrayList<>();
        final Deque<Object> answers = new ArrayDeque<>();

        void answer(int exit, String stdout, String stderr) {
            answers.add(new int[] {exit});
            answers.add(stdout);
            answers.add(stderr);
        }

        void fail(CommandException e) {
            answers.add(e);
        }

        @Override
        public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
            commands.add(argv);
            timeouts.add(timeout);
            Object next = answers.removeFirst();
            if (next instanceof CommandException e) {
                throw e;
            }
            int exit = ((int[]) next)[0];
            return new CommandResult(argv, exit, (String) answers.removeFirst(), (String) answers.removeFirst(),
                    Duration.ofMillis(1));
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    @BeforeEach
    void setUp() {
        runner = new ScriptedRunner();
        mounter = new CommandMounter(runner, dir.resolve("mountinfo"), MOUNT, STAT);
    }

    @Test
    void mountsGlusterWithOneArgvAndTheMountTimeout() throws Exception {
        runner.answer(0, "", "");
        GlusterMount mount = GlusterMount.of("vol1", List.of("127.1.9.1", "127.1.9.2"), MountOptions.parse(List
                .of("acl")),
                Path.of("/logs/vol1.log"));

        mounter.mountGluster(mount, target);

        assertThat(runner.commands).containsExactly(List.of("mount", "-t", "glusterfs", "-o",
                "log-file=/logs/vol1.log,backup-volfile-servers=127.1.9.2,acl", "127.1.9.1:/vol1", target.toString()));
        assertThat(runner.timeouts).containsExactly(MOUNT);
    }

    @Test
    void aFailedGlusterMountNamesTheServersAndTheClientLog() throws Exception {
        runner.answer(1, "", "Mount failed. Check the log file for more details.\n");
        GlusterMount mount = GlusterMount.of("vol1", List.of("127.1.9.1"), MountOptions.none(), Path
                .of("/logs/vol1.log"));

        assertThatThrownBy(() -> mounter.mountGluster(mount, target))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.FAILED))
                .hasMessageContaining("127.1.9.1", "Mount failed", "/logs/vol1.log");
    }

    @Test
    void aMountThatRunsOutOfTimeIsATimeout() throws Exception {
        runner.fail(new CommandTimeoutException("mount did not finish"));
        GlusterMount mount = GlusterMount.of("vol1", List.of("127.1.9.1"), MountOptions.none(), Path.of("/logs/v.log"));

        assertThatThrownBy(() -> mounter.mountGluster(mount, target))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.TIMEOUT))
                .hasMessageContaining("7000 ms");
    }

    @Test
    void bindsReadOnlyInOneCommand() throws Exception {
        runner.answer(0, "", "");
        runner.answer(0, "", "");
        mounter.bind(Path.of("/staging"), target, true);
        mounter.bind(Path.of("/staging"), target, false);

        assertThat(runner.commands).containsExactly(
                List.of("mount", "--bind", "-o", "ro", "/staging", target.toString()),
                List.of("mount", "--bind", "/staging", target.toString()));
    }

    @Test
    void unmountTreatsNotMountedAsDoneAndBusyAsInUse() throws Exception {
        runner.answer(32, "", "umount: " + target + ": not mounted.\n");
        mounter.unmount(target);

        runner.answer(32, "", "umount: " + target + ": target is busy.\n");
        assertThatThrownBy(() -> mounter.unmount(target))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.IN_USE))
                .hasMessageContaining("not be detached lazily");

        runner.answer(1, "", "umount: permission denied\n");
        assertThatThrownBy(() -> mounter.unmount(target))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.FAILED));
        assertThat(runner.commands).allSatisfy(argv -> assertThat(argv).containsExactly("umount", "--no-canonicalize",
                target.toString()));
        assertThat(runner.timeouts).containsOnly(MOUNT);
    }

    @Test
    void statfsParsesBytesAndInodes() throws Exception {
        runner.answer(0, "4096 65536 16384 8192 1000 900\n", "");

        FsStats stats = mounter.statfs(target);

        assertThat(stats).isEqualTo(new FsStats(4096L * 65536, 4096L * 16384, 4096L * 8192, 1000, 900));
        assertThat(stats.usedBytes()).isEqualTo(4096L * (65536 - 16384));
        assertThat(stats.usedInodes()).isEqualTo(100);
        assertThat(runner.commands.get(0)).containsExactly("stat", "-f", "-c", "%S %b %f %a %c %d", target.toString());
        assertThat(runner.timeouts).containsExactly(STAT);
    }

    @Test
    void probeOpensTheDirectoryInTheJvmWithoutACommand() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live"));
        mounter.probe(live);
        assertThat(runner.commands).isEmpty();
        // A dead FUSE client answers opendir with ENOTCONN (NodeGlusterIT kills one); here, a missing path.
        assertThatThrownBy(() -> mounter.probe(dir.resolve("gone")))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.FAILED))
                .hasMessageContaining("gone");
    }

    @Test
    void statfsOfADeadFuseClientIsNotConnected() {
        runner.answer(1, "", "stat: cannot read file system information for '" + target
                + "': Transport endpoint is not connected\n");
        assertThatThrownBy(() -> mounter.statfs(target))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.NOT_CONNECTED));
    }

    @Test
    void statfsThatHangsIsATimeoutAndGarbageIsAFailure() {
        runner.fail(new CommandTimeoutException("stat did not finish"));
        assertThatThrownBy(() -> mounter.statfs(target))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.TIMEOUT));
        runner.answer(0, "what\n", "");
        assertThatThrownBy(() -> mounter.statfs(target))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.FAILED))
                .hasMessageContaining("unexpected statfs output");
    }

    @Test
    void readsTheMountTableFromTheGivenFile() throws Exception {
        Files.writeString(dir.resolve("mountinfo"),
                "101 22 0:57 / /mnt/g rw,relatime - fuse.glusterfs 127.1.9.1:/vol1 rw\n");
        assertThat(mounter.mounts().at(Path.of("/mnt/g")).orElseThrow().glusterPath()).isEqualTo("vol1");
        Files.delete(dir.resolve("mountinfo"));
        assertThatThrownBy(() -> mounter.mounts()).isInstanceOf(MountException.class);
    }
}
