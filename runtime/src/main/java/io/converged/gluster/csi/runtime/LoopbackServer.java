package io.converged.gluster.csi.runtime;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The same services as the unix socket, also on a TCP address of the loopback interface: inside a
 * pod, what {@code kubectl port-forward} reaches (an operator's tools on their own machine), and
 * nothing outside the pod can. Only loopback addresses are accepted.
 */
public final class LoopbackServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LoopbackServer.class.getName());

    private final Server server;
    private final ExecutorService executor;

    private LoopbackServer(Server server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Parses {@code HOST:PORT} (or {@code :PORT} for 127.0.0.1), refusing any host that is not a
     * loopback address.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("must be HOST:PORT on the loopback interface, e.g. 127.0.0.1:9810,"
                    + " got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has no valid port: '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host.isEmpty() ? "127.0.0.1" : host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "'");
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException(address.getHostAddress() + " is not a loopback address; the admin"
                    + " listener must only be reachable from inside the pod (kubectl port-forward reaches it there)");
        }
        return new InetSocketAddress(address, port);
    }

    /** Serves the services on the address, each behind the interceptor. */
    public static LoopbackServer start(InetSocketAddress address, List<BindableService> services,
            RpcInterceptor interceptor) throws IOException {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException(address + " is not a loopback address");
        }
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "loopback-call");
            thread.setDaemon(true);
            return thread;
        });
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address).executor(executor);
        for (BindableService service : services) {
            builder.addService(ServerInterceptors.intercept(service, interceptor));
        }
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            executor.shutdownNow();
            throw new IOException("cannot serve on " + address + ": " + e.getMessage(), e);
        }
        LOG.info("serving on tcp://" + address.getAddress().getHostAddress() + ":" + server.getPort()
                + " (loopback only)");
        return new LoopbackServer(server, executor);
    }

    /** The port bound (the one asked for, or the one chosen for port 0). */
    public int port() {
        return server.getPort();
    }

    /** Stops taking calls, lets running ones finish within the grace period, then forces. */
    public void stop(Duration grace) {
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
