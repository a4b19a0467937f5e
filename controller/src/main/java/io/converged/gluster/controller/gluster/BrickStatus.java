package io.converged.gluster.controller.gluster;

/**
 * One process line of {@code gluster volume status --xml}: a brick ({@code host}, {@code path}) or
 * a daemon ({@code host} is e.g. "Self-heal Daemon", {@code path} the peer). Bricks of peers that
 * are down are absent from the status altogether; compare with {@link VolumeInfo#bricks()}.
 *
 * @param port the TCP port, or -1 when gluster says N/A
 * @param pid the process id, or -1 when unknown
 */
public record BrickStatus(String host, String path, String peerId, boolean online, int port, long pid) {

    /** Whether this line is a daemon (self-heal, quota) rather than a brick. */
    public boolean daemon() {
        return host.endsWith("Daemon");
    }
}
