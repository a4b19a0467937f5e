package io.converged.gluster.controller.peer;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterNames;
import io.converged.gluster.csi.exec.CommandRunner;
import java.util.List;
import java.util.Objects;

/**
 * One storage peer: a glusterd and the place its bricks live.
 *
 * <p>Brick paths are written as the driver thinks of them ({@code /mnt/brick1/V/brick}) and turned
 * into paths on the peer by {@link #pathOnPeer}: on Kubernetes the peer pod sees its hostPath at
 * the same place (prefix {@code /}); on one machine running several peers, each peer's brick root
 * lives under its own prefix directory. The result is what both {@code mkdir} on the peer and
 * {@code gluster volume create} get.
 */
public final class Peer {
    private final String name;
    private final String address;
    private final String zone;
    private final String node;
    private final CommandRunner runner;
    private final List<String> glusterPrefix;
    private final String brickPrefix;

    /**
     * @param name a stable name for messages and placement (pod name, or the address locally)
     * @param address the address gluster knows the peer by (host IP with hostNetwork)
     * @param zone the failure domain ({@code topology.kubernetes.io/zone}), empty if unknown
     * @param node the node the peer runs on; defaults to the name
     * @param runner runs commands on the peer (pod exec, or local processes)
     * @param glusterPrefix the argv that runs the gluster CLI against this peer's glusterd
     * @param brickPrefix the directory under which the peer's brick paths lie; {@code /} for none
     */
    public Peer(String name, String address, String zone, String node, CommandRunner runner,
            List<String> glusterPrefix, String brickPrefix) {
        this.name = Objects.requireNonNull(name, "name");
        this.address = GlusterNames.requireHost(address);
        this.zone = zone == null ? "" : zone;
        this.node = node == null || node.isEmpty() ? name : node;
        this.runner = Objects.requireNonNull(runner, "runner");
        this.glusterPrefix = List.copyOf(glusterPrefix);
        String prefix = brickPrefix == null || brickPrefix.isEmpty() ? "/" : brickPrefix;
        if (!prefix.equals("/")) {
            GlusterNames.requirePath(prefix);
            prefix = prefix.replaceAll("/+$", "");
        }
        this.brickPrefix = prefix;
    }

    public String name() {
        return name;
    }

    public String address() {
        return address;
    }

    public String zone() {
        return zone;
    }

    public String node() {
        return node;
    }

    public CommandRunner runner() {
        return runner;
    }

    public List<String> glusterPrefix() {
        return glusterPrefix;
    }

    public String brickPrefix() {
        return brickPrefix;
    }

    /** A gluster client that runs its commands on this peer. */
    public GlusterCli gluster() {
        return new GlusterCli(runner, glusterPrefix);
    }

    /** Where a driver path such as {@code /mnt/brick1/V/brick} is on this peer (for mkdir and gluster). */
    public String pathOnPeer(String path) {
        GlusterNames.requirePath(path);
        return brickPrefix.equals("/") ? path : brickPrefix + path;
    }

    /** The brick argument for {@code volume create}: {@code address:pathOnPeer(path)}. */
    public String brick(String path) {
        return address + ":" + pathOnPeer(path);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Peer p && p.name.equals(name) && p.address.equals(address) && p.zone.equals(zone)
                && p.node.equals(node) && p.glusterPrefix.equals(glusterPrefix) && p.brickPrefix.equals(brickPrefix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, address, zone, node, glusterPrefix, brickPrefix);
    }

    @Override
    public String toString() {
        return "peer " + name + " (" + address + (zone.isEmpty() ? "" : ", zone " + zone) + ", node " + node + ", "
                + runner.describe() + ")";
    }
}
