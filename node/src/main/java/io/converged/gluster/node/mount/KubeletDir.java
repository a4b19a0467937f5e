package io.converged.gluster.node.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The kubelet directory, the only place the node mounts: kubelet asks for staging paths under
 * {@code plugins/} and target paths under {@code pods/} of it, and nothing else is a caller's to
 * ask. A path passes when it is absolute, names no {@code ..}, and lies strictly under the
 * directory once the symbolic links of its nearest existing parent are resolved; its last name is
 * not a symbolic link either (mount(8) would follow it). Nothing is created or touched by the check.
 */
public final class KubeletDir {
    private final Path root;

    /** @param root the kubelet directory, absolute; it need not exist yet */
    public KubeletDir(Path root) {
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("the kubelet directory must be absolute: " + root);
        }
        this.root = root.normalize();
    }

    /** The directory as given. */
    public Path root() {
        return root;
    }

    /**
     * The path, as the mount table shows it (its parents' links resolved), when it lies under the
     * kubelet directory; {@link MountException.Reason#INVALID} naming the field otherwise.
     */
    public Path check(String field, Path path) throws MountException {
        if (!path.isAbsolute()) {
            throw refused(field, path, "must be an absolute path");
        }
        for (Path name : path) {
            if (name.toString().equals("..")) {
                throw refused(field, path, "must not contain '..'");
            }
        }
        Path normal = path.normalize();
        Path realRoot = real(root);
        // The nearest parent that exists, never the path itself: stat on a dead FUSE mount point fails.
        Path existing = normal.getParent();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw refused(field, path, "is outside the kubelet directory");
        }
        Path resolved;
        try {
            resolved = existing.toRealPath().resolve(existing.relativize(normal));
        } catch (IOException e) {
            throw refused(field, path, "leads through " + existing + ", which cannot be resolved (" + e + ")");
        }
        if (!resolved.startsWith(realRoot) || resolved.equals(realRoot)) {
            throw refused(field, path, "is outside the kubelet directory"
                    + (resolved.equals(normal) ? "" : " (it resolves to " + resolved + ")"));
        }
        if (Files.isSymbolicLink(resolved)) {
            throw refused(field, path, "is a symbolic link; the node mounts only on directories it can see");
        }
        return resolved;
    }

    /** True when the path passes {@link #check}. */
    public boolean contains(Path path) {
        try {
            check("path", path);
            return true;
        } catch (MountException e) {
            return false;
        }
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    private MountException refused(String field, Path path, String why) {
        return new MountException(MountException.Reason.INVALID, field + " '" + path + "' " + why
                + " (the node mounts only under the kubelet directory " + root + ")");
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
