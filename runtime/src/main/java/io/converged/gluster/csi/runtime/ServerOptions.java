package io.converged.gluster.csi.runtime;

import java.net.InetSocketAddress;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The flags every server takes, as a picocli mixin: {@code @Mixin ServerOptions server;} in each
 * server's command. Values are converted and checked while the command line is parsed, so a bad
 * one is a usage error (exit 2) before anything starts.
 */
public final class ServerOptions {
    @Option(names = "--endpoint", defaultValue = "unix:///csi/csi.sock", converter = EndpointConverter.class,
            description = "CSI endpoint, unix:///path/csi.sock (only unix sockets). Default: ${DEFAULT-VALUE}")
    private Endpoint endpoint;

    @Option(names = "--metrics-address", converter = HostPortConverter.class, paramLabel = "HOST:PORT",
            description = "serve Prometheus metrics on HOST:PORT, e.g. :9808 (off when not given)")
    private InetSocketAddress metricsAddress;

    @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL",
            description = "debug, info, warn or error; at debug every request is logged, secrets stripped."
                    + " Default: ${DEFAULT-VALUE}")
    private LogLevel logLevel;

    public Endpoint endpoint() {
        return endpoint;
    }

    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsAddress);
    }

    public LogLevel logLevel() {
        return logLevel;
    }

    /** {@code unix:///path} only. */
    static final class EndpointConverter implements ITypeConverter<Endpoint> {
        @Override
        public Endpoint convert(String value) {
            try {
                return Endpoint.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code HOST:PORT} or {@code :PORT} (every address). */
    static final class HostPortConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String text) {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new TypeConversionException("must be HOST:PORT or :PORT, got '" + text + "'");
            }
            String host = text.substring(0, colon);
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("has no valid port: '" + text + "'");
            }
            if (port < 0 || port > 65535) {
                throw new TypeConversionException("port out of range: " + port);
            }
            return host.isEmpty() ? new InetSocketAddress(port) : InetSocketAddress.createUnresolved(host, port);
        }
    }
}
