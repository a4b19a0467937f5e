package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlagsTest {
    private final Flags flags = new Flags("prog", "does things")
            .option("endpoint", "unix:///csi/csi.sock", "socket")
            .option("node-id", "", "node")
            .option("peers-file", null, "peers");

    @Test
    void acceptsBothSpellingsAndFillsDefaults() throws UsageException {
        Flags.Parsed parsed = flags.parse(new String[] {"--node-id=n1", "--peers-file", "/p"});
        assertThat(parsed.get("node-id")).isEqualTo("n1");
        assertThat(parsed.get("peers-file")).isEqualTo("/p");
        assertThat(parsed.get("endpoint")).isEqualTo("unix:///csi/csi.sock");
        assertThat(parsed.isSet("endpoint")).isFalse();
    }

    @Test
    void helpReturnsNullAndUsageListsEveryFlag() throws UsageException {
        assertThat(flags.parse(new String[] {"--help"})).isNull();
        assertThat(flags.usage()).contains("--endpoint", "--node-id", "--peers-file", "(required)", "--help");
    }

    @Test
    void unknownFlagIsNamed() {
        assertThatThrownBy(() -> flags.parse(new String[] {"--peers-file", "/p", "--bogus", "1"}))
                .isInstanceOf(UsageException.class)
                .hasMessage("unknown flag --bogus");
    }

    @Test
    void missingValueAndMissingRequiredFlagAreReported() {
        assertThatThrownBy(() -> flags.parse(new String[] {"--peers-file"}))
                .hasMessage("flag --peers-file needs a value");
        assertThatThrownBy(() -> flags.parse(new String[0]))
                .hasMessageContaining("--peers-file");
    }

    @Test
    void repeatedFlagAndStrayArgumentAreRejected() {
        assertThatThrownBy(() -> flags.parse(new String[] {"--peers-file", "a", "--peers-file", "b"}))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> flags.parse(new String[] {"--peers-file", "a", "extra"}))
                .hasMessageContaining("unexpected argument 'extra'");
    }

    @Test
    void integerFlagsAreChecked() throws UsageException {
        Flags numbers = new Flags("p", "s").option("workers", "4", "n");
        assertThat(numbers.parse(new String[0]).getInt("workers")).isEqualTo(4);
        Flags.Parsed bad = numbers.parse(new String[] {"--workers", "four"});
        assertThatThrownBy(() -> bad.getInt("workers")).hasMessageContaining("whole number");
    }

    @Test
    void metricsAddressNeedsAPort() throws UsageException {
        assertThat(ServerLauncher.parseHostPort("")).isNull();
        assertThat(ServerLauncher.parseHostPort(":9808").getPort()).isEqualTo(9808);
        assertThat(ServerLauncher.parseHostPort("127.0.0.1:0").getHostString()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> ServerLauncher.parseHostPort("9808")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> ServerLauncher.parseHostPort("h:x")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> ServerLauncher.parseHostPort("h:70000")).isInstanceOf(UsageException.class);
    }
}
