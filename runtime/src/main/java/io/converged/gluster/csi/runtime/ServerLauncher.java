package io.converged.gluster.csi.runtime;

import io.grpc.BindableService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;

/**
 * The part of {@code main} both servers share: the command line (picocli), logging, metrics, the
 * socket, and an orderly stop on SIGTERM. Each server supplies its flags, as a picocli command
 * with the {@link ServerOptions} mixin, and how to assemble its services from them.
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

        /**
         * A loopback TCP address to serve the same services on as well (e.g. for {@code kubectl
         * port-forward}); none by default.
         */
        default Optional<InetSocketAddress> loopback() {
            return Optional.empty();
        }

        /** Called when metrics are served ({@code --metrics-address}): register the server's own. */
        default void registerMetrics(PrometheusRegistry registry) {
        }

        /**
         * What {@code /readyz} on the metrics address answers: whether the server can do its work now
         * (its storage answers). Probe never says this: it answers whether the process serves.
         */
        default Readiness readiness() {
            return () -> Readiness.Status.READY;
        }

        @Override
        default void close() {
        }
    }

    /**
     * A server's command: a class annotated with picocli's {@code @Command}, its own {@code @Option}s
     * and {@code @Mixin ServerOptions}, that assembles the server once they are parsed.
     */
    public interface ServerCommand {
        /** The flags every server takes. */
        ServerOptions server();

        /** Builds the services; a {@link UsageException} is a bad combination of flags (exit 2). */
        Assembly assemble() throws UsageException, IOException;
    }

    /** The version {@code --version} prints: the project version the jar was built from. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Driver.NAME + " " + Driver.version()};
        }
    }

    private ServerLauncher() {
    }

    /** The property of (gRPC's shaded) Netty that chooses its buffer allocator. */
    static final String ALLOCATOR = "io.grpc.netty.shaded.io.netty.allocator.type";

    /**
     * Must run first in {@code main}, before any gRPC class loads: Netty's pooled allocator keeps
     * arenas of buffers resident (about 6 MiB measured in each server), which a CSI server answering a
     * few calls a minute never needs; unpooled buffers cost nothing at rest. An explicit
     * {@code -Dio.grpc.netty.shaded.io.netty.allocator.type} wins.
     */
    public static void preferLowMemory() {
        if (System.getProperty(ALLOCATOR) == null) {
            System.setProperty(ALLOCATOR, "unpooled");
        }
    }

    /** The command line of a server; tests parse the manifests' arguments with it. */
    public static CommandLine commandLine(ServerCommand command) {
        return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Parses the arguments into the command, starts the server and blocks until SIGTERM/SIGINT has
     * stopped it. Returns the process exit code: 0 after an orderly stop or for --help and
     * --version, 2 for a bad command line, 1 when the server cannot start.
     */
    public static int run(ServerCommand command, String[] args, PrintStream out, PrintStream err) {
        CommandLine line = commandLine(command);
        try {
            line.parseArgs(args);
        } catch (ParameterException e) {
            return usageError(err, e.getMessage());
        }
        if (line.isUsageHelpRequested()) {
            line.usage(out);
            return 0;
        }
        if (line.isVersionHelpRequested()) {
            line.printVersionHelp(out);
            return 0;
        }
        ServerOptions options = command.server();
        LogSetup.configure(options.logLevel());

        RpcMetrics metrics = null;
        Assembly assembly = null;
        UnixSocketServer server;
        LoopbackServer loopback = null;
        try {
            assembly = command.assemble();
            if (options.metricsAddress().isPresent()) {
                InetSocketAddress address = options.metricsAddress().get();
                metrics = new RpcMetrics();
                assembly.registerMetrics(metrics.registry());
                metrics.serve(address, assembly.readiness());
                LOG.info("metrics on http://" + address.getHostString() + ":" + metrics.port() + "/metrics, readiness"
                        + " on /readyz");
            }
            RpcInterceptor interceptor = new RpcInterceptor(metrics);
            server = UnixSocketServer.start(options.endpoint(), assembly.services(), interceptor);
            if (assembly.loopback().isPresent()) {
                try {
                    loopback = LoopbackServer.start(assembly.loopback().get(), assembly.services(), interceptor);
                } catch (IOException | RuntimeException e) {
                    server.stop(Duration.ofSeconds(1));
                    throw e;
                }
            }
        } catch (UsageException e) {
            closeQuietly(assembly, metrics);
            return usageError(err, e.getMessage());
        } catch (IOException | RuntimeException e) {
            closeQuietly(assembly, metrics);
            err.println("error: " + e.getMessage());
            LOG.log(Level.FINE, "start failed", e);
            return 1;
        }

        Assembly running = assembly;
        RpcMetrics runningMetrics = metrics;
        LoopbackServer runningLoopback = loopback;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: finishing calls in flight (at most " + GRACE.toSeconds() + "s)");
            if (runningLoopback != null) {
                runningLoopback.stop(GRACE);
            }
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

    private static int usageError(PrintStream err, String message) {
        err.println("error: " + message);
        err.println("run with --help for the list of flags");
        return 2;
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
