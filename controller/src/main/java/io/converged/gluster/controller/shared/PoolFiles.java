package io.converged.gluster.controller.shared;

import io.converged.gluster.csi.runtime.CsiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of one shared pool as the controller reaches them: through its FUSE mount of the pool
 * on a peer, never by writing into bricks (that would corrupt gluster's metadata). Names are single
 * directory names directly under the pool's root; hidden names ({@code .csi-trash} and the like)
 * hold what the driver moved aside.
 *
 * <p>Two ways in: the files themselves when the mount is on this machine ({@link LocalPoolFiles}),
 * or commands through the peer's runner ({@link ExecPoolFiles}, pods/exec on Kubernetes). A mount
 * that is not there or whose client died fails with {@link MountGoneException}, so the caller
 * mounts again; nothing is ever made in the directory under a missing mount.
 */
public interface PoolFiles {

    /** The pool's room, from statfs of its root. */
    record Space(long freeBytes, long totalBytes) {
    }

    /** A directory of the pool and the claim record on it. */
    record Entry(boolean exists, Optional<String> record) {
        public static final Entry ABSENT = new Entry(false, Optional.empty());
    }

    /** Proves the mount is there and answers; {@link MountGoneException} when it is not. */
    void verify() throws CsiException;

    /**
     * The bricks of volume {@code volume} ({@code bricks} of them) this mount's client is not connected to,
     * as {@code VOLUME-client-N} (N from 0, in brick order), read from the client's {@code .meta} tree.
     */
    List<String> disconnectedBricks(String volume, int bricks) throws CsiException;

    /** The pool's room; also proves the mount is there and answers. */
    Space space() throws CsiException;

    /** The pool's free bytes, as {@link #space()} says, at the least cost: a claim's create asks it. */
    default long freeBytes() throws CsiException {
        return space().freeBytes();
    }

    /** Makes the directory, mode 0755; false when it was there already. */
    boolean makeDirectory(String name) throws CsiException;

    /** Gives the directory the group and mode 2775 (setgid: what is made in it keeps the group). */
    void shareWithGroup(String name, int gid) throws CsiException;

    /** Whether the directory is there, and its claim record if it has one. */
    Entry read(String name) throws CsiException;

    /** Writes (or replaces) the claim record on the directory. */
    void writeRecord(String name, String record) throws CsiException;

    /** Removes the directory if it is empty; false when it holds anything (or is not there). */
    boolean removeIfEmpty(String name) throws CsiException;

    /**
     * Sets the directory aside: renames it {@code aside.newName} in the same directory ({@code aside} is a
     * hidden name such as {@code .csi-trash}). The rename stays inside its directory on purpose: on a
     * volume with quota, renaming a directory into another directory asks each brick's quota daemon for
     * its size, and a brick whose daemon is down or restarting (glusterd starts it again when the
     * volumes with quota change) fails the rename while the others succeed, which gluster answers as done and
     * leaves that brick with the directory (RELIABILITY finding 13). A rename inside one directory asks
     * no daemon.
     */
    void moveAside(String name, String aside, String newName) throws CsiException;

    /**
     * The names ({@code newName}) of what is set aside as {@code aside}: {@code aside.NAME} entries, and
     * what an older version of this driver moved into the directory {@code aside/}.
     */
    List<String> listAside(String aside) throws CsiException;

    /** Removes {@code aside.name} (or an older version's {@code aside/name}) and everything in it. */
    void removeAside(String aside, String name) throws CsiException;

    /** Every directory directly under the root that is not hidden, with its claim record if it has one. */
    Map<String, Optional<String>> records() throws CsiException;

    /** Where the mount is, for messages. */
    String describe();

    /**
     * The same mount seen from the hidden directory {@code hidden} of this root (a name starting with
     * {@code .}): every name of the view lies under it, and {@link #records()} of a view whose directory
     * is missing is empty. {@link #verify()} and {@link #space()} still look at the mount itself.
     * Snapshots live in such a view ({@code .csi-snapshots}).
     */
    PoolFiles under(String hidden);

    /** The same files, with the record read and written as the extended attribute {@code attribute} (user.*). */
    PoolFiles recording(String attribute);
}
