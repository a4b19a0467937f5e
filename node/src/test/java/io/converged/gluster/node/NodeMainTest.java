package io.converged.gluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(NodeMain.flags().usage()).contains("--node-id", "--state-dir", "--client-log-dir",
                "--mount-timeout", "KUBE_NODE_NAME");
    }

    @Test
    void relativeDirectoriesAndZeroTimeoutsAreUsageErrors() {
        assertThatThrownBy(() -> NodeMain.assemble(NodeMain.flags().parse(new String[] {"--state-dir", "rel"})))
                .isInstanceOf(UsageException.class).hasMessageContaining("--state-dir");
        assertThatThrownBy(() -> NodeMain.assemble(NodeMain.flags().parse(new String[] {"--mount-timeout", "0"})))
                .isInstanceOf(UsageException.class).hasMessageContaining("--mount-timeout");
    }
}
