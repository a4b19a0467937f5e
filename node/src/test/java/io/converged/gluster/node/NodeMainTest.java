package io.converged.gluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeMainTest {

    @Test
    void nodeIdComesFromTheFlagThenKubernetesThenTheHostName() throws Exception {
        Map<String, String> env = Map.of("KUBE_NODE_NAME", "kube-node", "NODE_NAME", "plain-node");
        assertThat(NodeMain.nodeId(" flag-node ", env)).isEqualTo("flag-node");
        assertThat(NodeMain.nodeId("", env)).isEqualTo("kube-node");
        assertThat(NodeMain.nodeId("", Map.of("NODE_NAME", "plain-node", "KUBE_NODE_NAME", " ")))
                .isEqualTo("plain-node");
        assertThat(NodeMain.nodeId("", Map.of()))
                .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim()).isNotBlank();
    }

    @Test
    void helpListsTheNodeFlags() {
        assertThat(ServerLauncher.commandLine(new NodeMain()).getUsageMessage()).contains("--node-id", "--state-dir",
                "--client-log-dir", "--mount-timeout", "--kubelet-dir", "/var/lib/kubelet", "--mount-keeper",
                "KUBE_NODE_NAME", "--endpoint", "--log-level");
    }

    private static NodeMain parsed(String... args) {
        NodeMain command = new NodeMain();
        ServerLauncher.commandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void relativeDirectoriesAndZeroTimeoutsAreUsageErrors() {
        assertThatThrownBy(() -> parsed("--state-dir", "rel").assemble())
                .isInstanceOf(UsageException.class).hasMessageContaining("--state-dir");
        assertThatThrownBy(() -> parsed("--mount-timeout", "0").assemble())
                .isInstanceOf(UsageException.class).hasMessageContaining("--mount-timeout");
        assertThatThrownBy(() -> parsed("--kubelet-dir", "var/lib/kubelet").assemble())
                .isInstanceOf(UsageException.class).hasMessageContaining("--kubelet-dir");
    }

    @Test
    void theMountKeeperMustBeAUnixSocketOtherThanThePluginsOwn() {
        assertThatThrownBy(() -> parsed("--mount-keeper", "tcp://127.0.0.1:1").assemble())
                .isInstanceOf(UsageException.class).hasMessageContaining("--mount-keeper");
        assertThatThrownBy(() -> parsed("--endpoint", "unix:///tmp/x.sock", "--mount-keeper", "unix:///tmp/x.sock")
                .assemble()).isInstanceOf(UsageException.class).hasMessageContaining("not this plugin's");
    }
}
