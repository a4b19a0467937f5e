package io.converged.gluster.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvFileTest {
    @Test
    void readsValuesListsAndCommandLinesAsDeployLocalUpWritesThem() {
        EnvFile env = EnvFile.parse("""
                # Written by deploy/local/up; source it.
                CSI_CONTROLLER_ENDPOINT=unix:///tmp/b/controller.sock
                GLUSTER_PEERS="127.1.1.1 127.1.1.2 127.1.1.3"
                CONTROLLER_PID=4242
                CONTROLLER_CMD="java -Xmx96m -jar /repo/c.jar --endpoint unix:///tmp/my\\ dir/c.sock \
                --peers-file /tmp/b/peers "
                """);

        assertThat(env.get("CSI_CONTROLLER_ENDPOINT")).isEqualTo("unix:///tmp/b/controller.sock");
        assertThat(env.list("GLUSTER_PEERS")).containsExactly("127.1.1.1", "127.1.1.2", "127.1.1.3");
        assertThat(env.get("CONTROLLER_PID")).isEqualTo("4242");
        assertThat(env.argv("CONTROLLER_CMD")).containsExactly("java", "-Xmx96m", "-jar", "/repo/c.jar", "--endpoint",
                "unix:///tmp/my dir/c.sock", "--peers-file", "/tmp/b/peers");
        assertThatThrownBy(() -> env.get("NODE_CMD")).hasMessageContaining("NODE_CMD");
    }

    @Test
    void splitsWordsLikeAShellWithoutExpandingAnything() {
        assertThat(EnvFile.words("a 'b c' \"d \\\"e\\\"\" $HOME f\\'g")).containsExactly("a", "b c", "d \"e\"", "$HOME",
                "f'g");
        assertThat(EnvFile.words("  ")).isEmpty();
        assertThat(EnvFile.words("''")).containsExactly("");
        assertThatThrownBy(() -> EnvFile.words("a 'b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void footprintVariantsDeriveFromTheSameCommand() {
        List<String> up = List.of("java", "-XX:+UseSerialGC", "-Xmx48m", "-jar", "/n.jar",
                "--endpoint", "unix:///a.sock", "--state-dir", "/s");

        assertThat(Footprint.plain(up)).containsExactly("java", "-jar", "/n.jar", "--endpoint", "unix:///a.sock",
                "--state-dir", "/s");
        assertThat(Footprint.withJvmFlag(up, "-XX:SharedArchiveFile=/n.jsa")).startsWith("java",
                "-XX:SharedArchiveFile=/n.jsa", "-XX:+UseSerialGC");
        assertThat(Footprint.replacing(up, "--endpoint", "unix:///b.sock")).contains("unix:///b.sock")
                .doesNotContain("unix:///a.sock");
        assertThat(Footprint.withoutClassDataSharing(Footprint.withJvmFlag(up, "-XX:ArchiveClassesAtExit=/n.jsa")))
                .isEqualTo(up);
    }
}
