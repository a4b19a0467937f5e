package io.converged.gluster.csi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.runtime.Driver;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.v1.GetPluginCapabilitiesRequest;
import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.PluginCapability;
import io.converged.gluster.csi.v1.ProbeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every server jar must do as a process: answer Identity over its unix socket, refuse a
 * socket held by a live server, stop cleanly on SIGTERM, and reject bad command lines.
 */
public abstract class ServerJarContract {
    @TempDir
    protected Path dir;

    /** The jar's file name under target/. */
    protected abstract String jarName();

    /** Flags the server needs besides --endpoint. */
    protected List<String> extraFlags() {
        return List.of();
    }

    /** The plugin capabilities the server must advertise. */
    protected abstract List<PluginCapability> expectedCapabilities();

    /** How the jar is started: its own main class by default, another one for a second server in the jar. */
    protected JarProcess.Launch launchOptions() {
        return JarProcess.Launch.plain();
    }

    protected JarProcess launch(Path socket, String logName) throws Exception {
        List<String> args = new ArrayList<>(List.of("--endpoint", "unix://" + socket));
        args.addAll(extraFlags());
        return JarProcess.start(JarProcess.jar(jarName()), dir.resolve(logName), launchOptions(),
                args.toArray(String[]::new));
    }

    @Test
    void answersIdentityOverItsSocketAndStopsCleanlyOnSigterm() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (JarProcess server = launch(socket, "server.log")) {
            Duration ready = server.awaitSocket(socket, Duration.ofSeconds(30));
            try (UnixChannel client = UnixChannel.open(new Endpoint(socket))) {
                var stub = IdentityGrpc.newBlockingStub(client.channel());
                var info = stub.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
                assertThat(info.getName()).isEqualTo("glusterfs.converged.io");
                assertThat(info.getVendorVersion()).isEqualTo(Driver.version());
                assertThat(stub.getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance())
                        .getCapabilitiesList()).containsExactlyInAnyOrderElementsOf(expectedCapabilities());
                assertThat(stub.probe(ProbeRequest.getDefaultInstance()).getReady().getValue())
                        .as("Probe, with server output:%n%s", server.output()).isTrue();
            }
            System.out.printf("%s: socket answered %d ms after start, RSS %d KiB idle%n",
                    jarName(), ready.toMillis(), server.rssKiB());
            assertThat(server.terminate(Duration.ofSeconds(30))).as(server.output()).isIn(0, 143);
            assertThat(socket).doesNotExist();
            assertThat(server.output()).contains("serving unix://" + socket, "stopped");
        }
    }

    @Test
    void secondServerRefusesTheLiveSocketAndTheFirstKeepsServing() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (JarProcess first = launch(socket, "first.log")) {
            first.awaitSocket(socket, Duration.ofSeconds(30));
            try (JarProcess second = launch(socket, "second.log")) {
                assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
                assertThat(second.output()).contains("another server is listening on " + socket);
            }
            try (UnixChannel client = UnixChannel.open(new Endpoint(socket))) {
                assertThat(IdentityGrpc.newBlockingStub(client.channel())
                        .getPluginInfo(GetPluginInfoRequest.getDefaultInstance()).getName())
                        .isEqualTo(Driver.NAME);
            }
        }
    }

    @Test
    void helpPrintsTheFlagsAndExitsZero() throws Exception {
        try (JarProcess help = JarProcess.start(JarProcess.jar(jarName()), dir.resolve("help.log"), launchOptions(),
                "--help")) {
            assertThat(help.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(help.output()).contains("Usage:", "--endpoint", "--metrics-address", "--log-level");
        }
    }

    @Test
    void badFlagAndTcpEndpointAreRefusedWithExitTwo() throws Exception {
        try (JarProcess bad = JarProcess.start(JarProcess.jar(jarName()), dir.resolve("bad.log"), launchOptions(),
                "--no-such-flag", "x")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            // picocli: "Unknown options: '--no-such-flag', 'x'" (the 'x' is unmatched too).
            assertThat(bad.output()).contains("Unknown option", "'--no-such-flag'", "run with --help");
        }
        try (JarProcess tcp = JarProcess.start(JarProcess.jar(jarName()), dir.resolve("tcp.log"), launchOptions(),
                "--endpoint", "tcp://127.0.0.1:10000")) {
            assertThat(tcp.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(tcp.output()).contains("endpoint must be a unix:// socket URL");
        }
        assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".sock")).toList()).isEmpty();
    }
}
