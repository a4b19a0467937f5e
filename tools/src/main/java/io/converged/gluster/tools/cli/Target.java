package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.TimeUnit;

/**
 * Where a server answers: its unix socket ({@code unix:///path/csi.sock}), or a TCP address
 * ({@code tcp://127.0.0.1:9810}), such as the controller's admin address reached through
 * {@code kubectl port-forward}.
 */
record Target(Endpoint socket, String host, int port) {

    static Target parse(String url) {
        if (url.startsWith("tcp:")) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + url, e);
            }
            if (uri.getHost() == null || uri.getPort() < 1) {
                throw new IllegalArgumentException("a TCP endpoint is tcp://HOST:PORT, e.g. tcp://127.0.0.1:9810,"
                        + " got " + url);
            }
            return new Target(null, uri.getHost(), uri.getPort());
        }
        try {
            return new Target(Endpoint.parse(url), "", 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("; tcp endpoints are not served", "")
                    + " (or tcp://HOST:PORT)", e);
        }
    }

    /** A connection to the server; close it when done. */
    Connection open() {
        if (socket != null) {
            UnixChannel unix = UnixChannel.open(socket);
            return new Connection(unix.channel(), unix::close);
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        return new Connection(channel, () -> {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public String toString() {
        return socket != null ? socket.toString() : "tcp://" + host + ":" + port;
    }

    /** An open channel to a server. */
    record Connection(ManagedChannel channel, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }
}
