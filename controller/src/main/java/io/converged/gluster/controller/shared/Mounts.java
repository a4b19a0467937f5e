package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.csi.runtime.CsiException;

/** Work on a shared pool's files through a live mount of it ({@link PoolMounts}; tests give a fake). */
public interface Mounts {

    /** The work done with a pool's files; its failures are the work's. */
    @FunctionalInterface
    interface Work<T> {
        T run(PoolFiles files) throws CsiException;
    }

    /**
     * The work on the pool's files through its mount, mounting first when needed; when the mount
     * turns out gone, it is made again and the work runs once more, so the work must be safe to
     * repeat (as every CSI call is).
     */
    <T> T with(VolumeInfo pool, Work<T> work) throws CsiException;
}
