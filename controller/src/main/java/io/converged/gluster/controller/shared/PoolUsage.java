package io.converged.gluster.controller.shared;

/**
 * How full a shared pool is: its size and free space (statfs of its root), its live claims and the
 * sizes promised to them. Limits are thin: {@code promisedBytes} may exceed {@code sizeBytes}.
 */
public record PoolUsage(String pool, long sizeBytes, long freeBytes, int claims, long promisedBytes) {
}
