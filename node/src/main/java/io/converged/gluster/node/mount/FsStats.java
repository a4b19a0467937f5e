package io.converged.gluster.node.mount;

/** What statfs says about a mounted filesystem, in bytes and inodes. */
public record FsStats(long totalBytes, long freeBytes, long availableBytes, long totalInodes, long freeInodes) {

    public long usedBytes() {
        return Math.max(0, totalBytes - freeBytes);
    }

    public long usedInodes() {
        return Math.max(0, totalInodes - freeInodes);
    }
}
