package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The command line every server shares: parsing, help, version, and the exit codes of bad input. */
class ServerLauncherTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** A server with one flag of its own that records whether it was ever assembled. */
    @Command(name = "test-server", mixinStandardHelpOptions = true, versionProvider = ServerLauncher.Version.class,
            description = "A server for tests.")
    static final class TestServer implements ServerLauncher.ServerCommand {
        @Mixin
        ServerOptions server;

        @Option(names = "--workers", defaultValue = "4", description = "how many")
        int workers;

        final List<String> assembled = new ArrayList<>();

        @Override
        public ServerOptions server() {
            return server;
        }

        @Override
        public ServerLauncher.Assembly assemble() throws UsageException {
            assembled.add("assembled");
            if (workers < 1) {
                throw new UsageException("--workers must be at least 1");
            }
            throw new IllegalStateException("not started in tests");
        }
    }

    private int run(TestServer server, String... args) {
        return ServerLauncher.run(server, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void flagsOfBothSpellingsAreParsedAndDefaultsFilledIn() {
        TestServer server = new TestServer();
        ServerLauncher.commandLine(server).parseArgs("--workers=7", "--log-level", "DEBUG",
                "--metrics-address", "127.0.0.1:0");
        assertThat(server.workers).isEqualTo(7);
        assertThat(server.server().logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(server.server().endpoint().socket()).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(server.server().metricsAddress()).get()
                .satisfies(a -> assertThat(a.getHostString()).isEqualTo("127.0.0.1"));

        TestServer defaults = new TestServer();
        ServerLauncher.commandLine(defaults).parseArgs();
        assertThat(defaults.server().logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(defaults.server().metricsAddress()).isEmpty();
    }

    @Test
    void helpListsEveryFlagAndExitsZeroWithoutAssembling() {
        TestServer server = new TestServer();
        assertThat(run(server, "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: test-server", "--endpoint",
                "--metrics-address", "--log-level", "--workers", "--help", "--version", "unix:///csi/csi.sock");
        assertThat(server.assembled).isEmpty();
    }

    @Test
    void versionNamesTheDriverAndItsBuild() {
        assertThat(run(new TestServer(), "--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(Driver.NAME, Driver.version());
    }

    @Test
    void badFlagsExitTwoWithAMessageAndNothingIsAssembled() {
        for (String[] args : List.of(new String[] {"--no-such-flag", "x"}, new String[] {"--workers", "four"},
                new String[] {"--endpoint", "tcp://127.0.0.1:10000"}, new String[] {"--metrics-address", "9808"},
                new String[] {"--metrics-address", "h:70000"}, new String[] {"--log-level", "loud"},
                new String[] {"stray"})) {
            TestServer server = new TestServer();
            err.reset();
            assertThat(run(server, args)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(String.join(" ", args))
                    .startsWith("error: ").contains("run with --help");
            assertThat(server.assembled).isEmpty();
        }
        run(new TestServer(), "--endpoint", "tcp://127.0.0.1:10000");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("endpoint must be a unix:// socket URL");
    }

    @Test
    void aUsageErrorFoundWhileAssemblingExitsTwo() {
        TestServer server = new TestServer();
        assertThat(run(server, "--workers", "0")).isEqualTo(2);
        assertThat(server.assembled).hasSize(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--workers must be at least 1");
    }

    @Test
    void aServerThatCannotStartExitsOne() {
        assertThat(run(new TestServer())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not started in tests");
    }
}
