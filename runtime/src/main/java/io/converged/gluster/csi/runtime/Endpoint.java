package io.converged.gluster.csi.runtime;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** A CSI endpoint: only {@code unix:///absolute/path} is accepted. */
public record Endpoint(Path socket) {

    public Endpoint {
        if (!socket.isAbsolute()) {
            throw new IllegalArgumentException("socket path must be absolute: " + socket);
        }
    }

    /** Parses {@code unix:///path/csi.sock} (also {@code unix:/path}). */
    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("endpoint is empty; expected unix:///path/csi.sock");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint is not a URL: " + text, e);
        }
        if (!"unix".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "endpoint must be a unix:// socket URL (got " + text + "); tcp endpoints are not served");
        }
        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
            throw new IllegalArgumentException(
                    "endpoint has a host part; write unix:///absolute/path (three slashes): " + text);
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || !path.startsWith("/")) {
            throw new IllegalArgumentException("endpoint needs an absolute socket path: " + text);
        }
        return new Endpoint(Path.of(path));
    }

    /** The gRPC target string clients use for this socket. */
    public String target() {
        return "unix://" + socket;
    }

    @Override
    public String toString() {
        return target();
    }
}
