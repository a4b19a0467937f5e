package io.converged.gluster.node.keeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeeperMainTest {

    private static KeeperMain parsed(String... args) {
        KeeperMain command = new KeeperMain();
        ServerLauncher.commandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void helpListsTheKeepersFlagsAndSaysWhatItIsFor() {
        assertThat(ServerLauncher.commandLine(new KeeperMain()).getUsageMessage()).contains("--endpoint",
                "--kubelet-dir", "--client-log-dir", "--mount-timeout", "--metrics-address", "--log-level",
                "OnDelete", "tini", "/var/lib/kubelet");
    }

    @Test
    void theKeeperNeedsItsOwnEndpointNeverTheDefaultOne() {
        assertThatThrownBy(() -> parsed("--kubelet-dir", "/var/lib/kubelet").assemble())
                .isInstanceOf(UsageException.class).hasMessageContaining("--endpoint is required");
    }

    @Test
    void relativeDirectoriesAndZeroTimeoutsAreUsageErrors() {
        assertThatThrownBy(() -> parsed("--endpoint", "unix:///tmp/k.sock", "--kubelet-dir", "kubelet").assemble())
                .isInstanceOf(UsageException.class).hasMessageContaining("--kubelet-dir");
        assertThatThrownBy(() -> parsed("--endpoint", "unix:///tmp/k.sock", "--client-log-dir", "logs").assemble())
                .isInstanceOf(UsageException.class).hasMessageContaining("--client-log-dir");
        assertThatThrownBy(() -> parsed("--endpoint", "unix:///tmp/k.sock", "--mount-timeout", "0").assemble())
                .isInstanceOf(UsageException.class).hasMessageContaining("--mount-timeout");
    }

    @Test
    void aBadFlagExitsTwoWithAMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ServerLauncher.run(new KeeperMain(), new String[] {"--no-such-flag"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-such-flag", "run with --help");
    }
}
