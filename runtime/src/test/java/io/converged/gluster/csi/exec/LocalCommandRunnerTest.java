package io.converged.gluster.csi.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalCommandRunnerTest {
    private final LocalCommandRunner runner = new LocalCommandRunner(Map.of("GREETING", "hello"));

    @Test
    void capturesExitCodeAndBothStreams() throws CommandException {
        CommandResult result = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration
                .ofSeconds(10));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).isEqualTo("err");
    }

    @Test
    void argumentsAreNeverInterpretedByAShell() throws CommandException {
        CommandResult result = runner.run(List.of("echo", "$(id -u); rm -rf /tmp/x", "`whoami`"), Duration
                .ofSeconds(10));
        assertThat(result.stdout()).isEqualTo("$(id -u); rm -rf /tmp/x `whoami`\n");
    }

    @Test
    void environmentIsPassed() throws CommandException {
        assertThat(runner.run(List.of("printenv", "GREETING"), Duration.ofSeconds(10)).stdout()).isEqualTo("hello\n");
    }

    @Test
    void aCallsOwnVariablesAreAddedToTheRunnersAndWinOverThem() throws CommandException {
        LocalCommandRunner runner = new LocalCommandRunner(Map.of("GCSI_A", "runner", "GCSI_B", "runner"));

        CommandResult result = runner.run(List.of("sh", "-c", "echo $GCSI_A $GCSI_B"),
                Map.of("GCSI_B", "call"), Duration.ofSeconds(10));

        assertThat(result.stdout()).isEqualTo("runner call\n");
        assertThat(result.argv()).containsExactly("sh", "-c", "echo $GCSI_A $GCSI_B");
    }

    @Test
    void aRunnerThatCannotSetVariablesRunsTheCommandThroughEnv() throws CommandException {
        List<List<String>> seen = new ArrayList<>();
        CommandRunner remote = new CommandRunner() {
            @Override
            public CommandResult run(List<String> argv, Duration timeout) {
                seen.add(argv);
                return new CommandResult(argv, 0, "", "", Duration.ZERO);
            }

            @Override
            public String describe() {
                return "remote";
            }
        };

        remote.run(List.of("gluster", "volume", "list"), Map.of("PYTHON", "/bin/true", "A", "1"),
                Duration.ofSeconds(1));
        remote.run(List.of("ls"), Map.of(), Duration.ofSeconds(1));

        assertThat(seen).containsExactly(List.of("env", "A=1", "PYTHON=/bin/true", "gluster", "volume", "list"),
                List.of("ls"));
        assertThatThrownBy(() -> remote.run(List.of("ls"), Map.of("-i", "x"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requireSuccessThrowsWithTheCommandsWords() throws CommandException {
        CommandResult failed = runner.run(List.of("ls", "/no/such/dir"), Duration.ofSeconds(10));
        assertThatThrownBy(() -> failed.requireSuccess("local"))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("ls /no/such/dir failed on local (exit 2)")
                .hasMessageContaining("No such file or directory");
    }

    @Test
    void aCommandPastItsTimeoutIsKilled() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(List.of("sleep", "30"), Duration.ofMillis(300)))
                .isInstanceOf(CommandTimeoutException.class)
                .hasMessageContaining("did not finish within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aDaemonKeepingOutputOpenDoesNotBlock() throws CommandException {
        // The child exits at once but leaves a grandchild holding its stdout, as mount.glusterfs does.
        CommandResult result = runner.run(List.of("sh", "-c", "sleep 5 & echo started"), Duration.ofSeconds(3));
        assertThat(result.stdout()).isEqualTo("started\n");
    }

    @Test
    void aMissingProgramIsACommandException() {
        assertThatThrownBy(() -> runner.run(List.of("/no/such/program"), Duration.ofSeconds(5)))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("cannot run /no/such/program");
    }
}
