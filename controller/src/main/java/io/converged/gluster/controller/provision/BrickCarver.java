package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandFailedException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The file-system side of a brick, on the peer that holds it: carving {@code <root>/<volume>/brick},
 * removing or archiving it, and measuring the room under a brick root. Every path is checked to be
 * a volume directory directly under a brick root before anything is removed or moved.
 */
public final class BrickCarver {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/-]+");
    /** How deep below an allowed root a brick directory is looked for: root/.../volume/brick. */
    private static final int SWEEP_DEPTH = 8;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final Clock clock;

    public BrickCarver(Clock clock) {
        this.clock = clock;
    }

    /** The volume directory for a volume under a brick root (real path on the peer). */
    public static String volumeDir(String brickRoot, String volume) {
        return brickRoot + "/" + volume;
    }

    /** The brick directory gluster is given: {@code <root>/<volume>/brick}. */
    public static String brickDir(String brickRoot, String volume) {
        return volumeDir(brickRoot, volume) + "/brick";
    }

    /** Free bytes under the brick root, or empty when the root is missing or unreadable. */
    public OptionalLong freeBytes(CommandRunner peer, String brickRoot) throws CommandException {
        checkPath(brickRoot);
        CommandResult result = peer.run(List.of("stat", "-f", "-c", "%a %S", "--", brickRoot), TIMEOUT);
        if (!result.succeeded()) {
            return OptionalLong.empty();
        }
        String[] parts = result.stdout().strip().split("\\s+");
        try {
            return OptionalLong.of(Long.parseLong(parts[0]) * Long.parseLong(parts[1]));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Creates the brick directory (and the volume directory above it); with a gid, the brick gets
     * that group and mode 2775 so the volume's root is writable by the group. The brick root must
     * already exist: carving never creates a brick root on the wrong file system.
     *
     * @return true when the volume directory was already there: an earlier call for this volume
     *     carved it and did not finish (a crash), so this call is a retry
     */
    public boolean carve(CommandRunner peer, String brickRoot, String volume, OptionalInt gid) throws CommandException {
        checkPath(brickRoot);
        String dir = volumeDir(brickRoot, volume);
        String brick = brickDir(brickRoot, volume);
        // One command in the common case. mkdir without -p never makes a missing brick root (which would put
        // the brick on the wrong file system): that fails, as does a volume directory that is already there
        // (a retry), and only then is it made sure of.
        CommandResult made = peer.run(List.of("mkdir", "--", dir, brick), TIMEOUT);
        boolean existed = !made.succeeded();
        if (existed) {
            run(peer, List.of("test", "-d", brickRoot), "brick root " + brickRoot + " is missing on "
                    + peer.describe());
            run(peer, List.of("mkdir", "-p", "--", brick), "cannot create " + brick);
        }
        if (gid.isPresent()) {
            run(peer, List.of("chgrp", Integer.toString(gid.getAsInt()), "--", brick), "cannot set the group of "
                    + brick);
            run(peer, List.of("chmod", "2775", "--", brick), "cannot set the mode of " + brick);
        }
        return existed;
    }

    /**
     * Removes {@code <root>/<volume>/brick} and its volume directory only if both are empty: a brick
     * carved by a call that died before gluster used it. {@code volume create} checks a brick by making
     * an empty {@code .glusterfs} in it, even when the create then fails on another peer: that empty
     * directory goes first. A brick that ever served data holds a {@code .glusterfs} full of gluster's
     * own files and is never touched (rmdir removes only empty directories). Returns true when removed.
     */
    public boolean removeIfUnused(CommandRunner peer, String brickRoot, String volume) throws CommandException {
        checkPath(brickRoot);
        String brick = brickDir(brickRoot, volume);
        checkPath(brick);
        peer.run(List.of("rmdir", "--", brick + "/.glusterfs"), TIMEOUT);
        return peer.run(List.of("rmdir", "--", brick, volumeDir(brickRoot, volume)), TIMEOUT).succeeded();
    }

    /**
     * Brick roots under {@code base} (up to a few levels deep) that hold an unused (empty) brick of
     * the volume, as {@link #removeIfUnused} would remove it. Never descends into any brick.
     */
    public List<String> unusedBrickRoots(CommandRunner peer, String base, String volume) throws CommandException {
        checkPath(base);
        if (!VolumeNames.isDedicatedName(volume)) {
            throw new IllegalArgumentException("not a volume name: " + volume);
        }
        CommandResult found = peer.run(List.of("find", base, "-mindepth", "2",
                "-maxdepth", Integer.toString(SWEEP_DEPTH),
                "-type", "d", "-name", "brick", "-prune", "-path", "*/" + volume + "/brick", "-empty", "-print"),
                TIMEOUT);
        String suffix = "/" + volume + "/brick";
        return found.stdout().lines().map(String::strip).filter(line -> line.endsWith(suffix))
                .map(line -> line.substring(0, line.length() - suffix.length()))
                .filter(root -> SAFE_PATH.matcher(root).matches()).toList();
    }

    /** Removes the volume directory (and the brick in it). Missing is fine. */
    public void remove(CommandRunner peer, String brickPath, String volume) throws CommandException {
        String dir = volumeDirOf(brickPath, volume);
        run(peer, List.of("rm", "-rf", "--one-file-system", "--", dir), "cannot remove " + dir);
    }

    /** Renames the volume directory aside with a timestamp, keeping the data; returns the new path. */
    public String archive(CommandRunner peer, String brickPath, String volume) throws CommandException {
        String dir = volumeDirOf(brickPath, volume);
        String root = dir.substring(0, dir.lastIndexOf('/'));
        String target = root + "/.archived-" + volume + "-" + STAMP.format(clock.instant().atZone(ZoneOffset.UTC));
        CommandResult exists = peer.run(List.of("test", "-e", dir), TIMEOUT);
        if (!exists.succeeded()) {
            return target;
        }
        run(peer, List.of("mv", "-T", "--", dir, target), "cannot archive " + dir);
        return target;
    }

    /** The volume directory of a brick path, checked to be {@code <root>/<volume>/brick}. */
    static String volumeDirOf(String brickPath, String volume) {
        checkPath(brickPath);
        String suffix = "/" + volume + "/brick";
        if (!brickPath.endsWith(suffix) || brickPath.length() <= suffix.length() + 1) {
            throw new IllegalArgumentException("refusing to touch " + brickPath + ": not a brick of volume " + volume
                    + " carved by this driver");
        }
        return brickPath.substring(0, brickPath.length() - "/brick".length());
    }

    private static void checkPath(String path) {
        if (!SAFE_PATH.matcher(path).matches() || path.contains("/../") || path.endsWith("/..")
                || path.contains("/./")) {
            throw new IllegalArgumentException("unsafe path " + path);
        }
    }

    private static void run(CommandRunner peer, List<String> argv, String failure) throws CommandException {
        CommandResult result = peer.run(argv, TIMEOUT);
        if (!result.succeeded()) {
            throw CommandFailedException.because(failure + " (on " + peer.describe() + ")", result);
        }
    }
}
