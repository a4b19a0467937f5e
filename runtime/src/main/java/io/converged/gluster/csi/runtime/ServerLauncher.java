package io.converged.gluster.csi.runtime;

import io.grpc.BindableService;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The part of {@code main} both servers share: flags, logging, metrics, the socket, and an orderly
 * stop on SIGTERM. Each server supplies only how to assemble its services from the flags.
 */
public final class ServerLauncher {
    private static final Logger LOG = Logger.getLogger(ServerLauncher.class.getName());
    static final Duration GRACE = Duration.ofSeconds(20);

    /** What a server is made of once its flags are known. */
    public interface Assembly extends AutoCloseable {
        List<BindableService> services();

        /** Called once the socket answers, e.g. to start background work. */
        default void started() {
        }

        @Override
        default void close() {
        }
    }

    /** Builds a server's services from its parsed flags. */
    @FunctionalInterface
    public interface Assembler {
        Assembly assemble(Flags.Parsed flags) throws UsageException, IOException;
    }

    private ServerLauncher() {
    }

    /** Declares the flags every server takes. */
    public static Flags standardFlags(String program, String summary, String defaultEndpoint) {
        return new Flags(program, summary)
                .option("endpoint", defaultEndpoint, "CSI endpoint, unix:///path/csi.sock (only unix sockets)")
                .option("metrics-address", "", "serve Prometheus metrics on HOST:PORT, e.g. :9808 (off when empty)")
                .option("log-level", "info", "debug, info, warn or error");
    }

    /**
     * Parses flags, starts the server and blocks until SIGTERM/SIGINT has stopped it. Returns the
     * process exit code: 0 after an orderly stop or for --help, 2 for a bad command line, 1 when the
     * server cannot start.
     */
    public static int run(Flags flags, String[] args, Assembler assembler, PrintStream out, PrintStream err) {
        Flags.Parsed parsed;
        Endpoint endpoint;
        InetSocketAddress metricsAddress;
        try {
            parsed = flags.parse(args);
            if (parsed == null) {
                out.print(flags.usage());
                return 0;
            }
            LogSetup.configure(parsed.get("log-level"));
            endpoint = Endpoint.parse(parsed.get("endpoint"));
            metricsAddress = parseHostPort(parsed.get("metrics-address"));
        } catch (UsageException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("run with --help for the list of flags");
            return 2;
        }

        RpcMetrics metrics = null;
        Assembly assembly = null;
        UnixSocketServer server;
        try {
            assembly = assembler.assemble(parsed);
            if (metricsAddress != null) {
                metrics = new RpcMetrics();
                metrics.serve(metricsAddress);
                LOG.info("metrics on http://" + metricsAddress.getHostString() + ":" + metrics.port() + "/metrics");
            }
            server = UnixSocketServer.start(endpoint, assembly.services(), new RpcInterceptor(metrics));
        } catch (UsageException e) {
            closeQuietly(assembly, metrics);
            err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            closeQuietly(assembly, metrics);
            err.println("error: " + e.getMessage());
            LOG.log(Level.FINE, "start failed", e);
            return 1;
        }

        Assembly running = assembly;
        RpcMetrics runningMetrics = metrics;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: finishing calls in flight (at most " + GRACE.toSeconds() + "s)");
            server.stop(GRACE);
            closeQuietly(running, runningMetrics);
            LOG.info("stopped");
        }, "shutdown"));
        running.started();
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static InetSocketAddress parseHostPort(String text) throws UsageException {
        if (text == null || text.isEmpty()) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException("--metrics-address must be HOST:PORT or :PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--metrics-address has no valid port: '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--metrics-address port out of range: " + port);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : InetSocketAddress.createUnresolved(host, port);
    }

    private static void closeQuietly(Assembly assembly, RpcMetrics metrics) {
        if (metrics != null) {
            metrics.close();
        }
        if (assembly != null) {
            try {
                assembly.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "error while closing: " + e.getMessage(), e);
            }
        }
    }
}
