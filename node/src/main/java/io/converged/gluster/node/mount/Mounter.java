package io.converged.gluster.node.mount;

import java.nio.file.Path;

/**
 * The side effects of mounting, behind an interface so the logic above it can be tested with a
 * fake. Every operation is bounded in time; none of them detaches a mount lazily.
 */
public interface Mounter {

    /** The current mount table of this mount namespace. */
    MountTable mounts() throws MountException;

    /** FUSE-mounts a gluster volume at the target directory, which must exist. */
    void mountGluster(GlusterMount mount, Path target) throws MountException;

    /** Bind-mounts source onto the target directory, which must exist; read-only when asked. */
    void bind(Path source, Path target, boolean readOnly) throws MountException;

    /**
     * Unmounts the topmost mount at the target. A target that is not mounted is not an error; a
     * busy one fails with {@link MountException.Reason#IN_USE} and stays mounted.
     */
    void unmount(Path target) throws MountException;

    /**
     * Unmounts the gluster FUSE mount at a staging path, through whoever owns its client; the same
     * contract as {@link #unmount}. By default that is this mounter.
     */
    default void unmountGluster(Path target) throws MountException {
        unmount(target);
    }

    /**
     * Checks that the filesystem at the path answers, bypassing every cache, without touching
     * quota accounting. A dead FUSE client fails with {@link MountException.Reason#NOT_CONNECTED}.
     */
    void probe(Path path) throws MountException;

    /**
     * Asks the filesystem at the path for its figures. A dead FUSE client fails with
     * {@link MountException.Reason#NOT_CONNECTED}, a hung server with {@link MountException.Reason#TIMEOUT}.
     */
    FsStats statfs(Path path) throws MountException;

    /**
     * Which bricks the FUSE client mounted at the path does not reach, read from the client's own view,
     * {@code PATH/.meta/graphs/active/VOLUME-replicate-N/private} ({@code child_up[i] = 0}); empty when it
     * reaches them all or the path shows no such view (not a gluster FUSE mount).
     */
    default java.util.Optional<String> unreachableBricks(Path path) {
        Path active = path.resolve(".meta/graphs/active");
        int down = 0;
        int total = 0;
        try (java.nio.file.DirectoryStream<Path> graphs = java.nio.file.Files.newDirectoryStream(active,
                "*-replicate-*")) {
            for (Path replicate : graphs) {
                for (String line : java.nio.file.Files.readAllLines(replicate.resolve("private"))) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("child_up[")) {
                        total++;
                        if (trimmed.endsWith("= 0")) {
                            down++;
                        }
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        return down == 0 ? java.util.Optional.empty() : java.util.Optional.of("the gluster client reaches "
                + (total - down) + " of " + total + " bricks; it serves from the others until they return");
    }
}
