package io.converged.gluster.controller.gluster;

/** One brick of a volume as {@code volume info} lists it: {@code host:path}. */
public record Brick(String host, String path, String hostUuid, boolean arbiter) {

    /** The brick as gluster writes it, {@code host:path}. */
    public String name() {
        return host + ":" + path;
    }
}
