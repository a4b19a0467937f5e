package io.converged.gluster.node.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An in-memory mount table that behaves like the kernel's where the node cares: bind mounts share
 * their source's device, a killed FUSE client leaves its mounts answering "not connected", statfs
 * of an unmounted path answers for the filesystem beneath, and busy mounts refuse to go.
 */
public final class FakeMounter implements Mounter {
    public static final FsStats VOLUME = new FsStats(256L << 20, 200L << 20, 200L << 20, 1000, 900);
    public static final FsStats ROOT = new FsStats(10L << 30, 5L << 30, 4L << 30, 100_000, 50_000);

    private final List<MountPoint> table = new ArrayList<>();
    private final Set<String> dead = new HashSet<>();
    private final Set<Path> busy = new HashSet<>();
    private final Set<Path> hung = new HashSet<>();
    private final List<String> calls = new ArrayList<>();
    private int nextDevice = 100;
    private MountException nextGlusterFailure;

    @Override
    public synchronized MountTable mounts() {
        return new MountTable(table);
    }

    @Override
    public synchronized void mountGluster(GlusterMount mount, Path target) throws MountException {
        calls.add("gluster " + target + " " + mount.source() + " " + mount.optionString());
        if (nextGlusterFailure != null) {
            MountException failure = nextGlusterFailure;
            nextGlusterFailure = null;
            throw failure;
        }
        requireDirectory(target);
        table.add(new MountPoint("0:" + nextDevice++, "/", target, Set.of("rw", "nosuid", "nodev"),
                MountPoint.GLUSTER_FUSE, mount.source()));
    }

    @Override
    public synchronized void bind(Path source, Path target, boolean readOnly) throws MountException {
        calls.add("bind " + source + " " + target + (readOnly ? " ro" : ""));
        requireDirectory(target);
        MountPoint from = mounts().at(source).orElse(new MountPoint("8:1", source.toString(), source, Set.of("rw"),
                "ext4", "/dev/vda"));
        table.add(new MountPoint(from.device(), from.root(), target, Set.of(readOnly ? "ro" : "rw"), from.fsType(),
                from.source()));
    }

    @Override
    public synchronized void unmount(Path target) throws MountException {
        calls.add("umount " + target);
        if (busy.contains(target)) {
            throw new MountException(MountException.Reason.IN_USE, target + " is busy");
        }
        for (int i = table.size() - 1; i >= 0; i--) {
            if (table.get(i).mountPoint().equals(target)) {
                table.remove(i);
                return;
            }
        }
    }

    @Override
    public synchronized void probe(Path path) throws MountException {
        statfs(path);
    }

    @Override
    public synchronized FsStats statfs(Path path) throws MountException {
        if (hung.contains(path)) {
            throw new MountException(MountException.Reason.TIMEOUT, "stat on " + path + " did not finish");
        }
        MountPoint mount = mounts().at(path).orElse(null);
        if (mount == null) {
            return ROOT;
        }
        if (dead.contains(mount.device())) {
            throw new MountException(MountException.Reason.NOT_CONNECTED, "statfs of " + path
                    + " failed: Transport endpoint is not connected");
        }
        return mount.isGluster() ? VOLUME : ROOT;
    }

    private static void requireDirectory(Path target) throws MountException {
        if (!Files.isDirectory(target)) {
            throw new MountException(MountException.Reason.FAILED, "mount point " + target + " does not exist");
        }
    }

    /** Kills the FUSE client of the gluster mount at the path: it and its binds stop answering. */
    public synchronized void killClientAt(Path path) {
        dead.add(mounts().at(path).orElseThrow().device());
    }

    public synchronized void makeBusy(Path path) {
        busy.add(path);
    }

    public synchronized void makeIdle(Path path) {
        busy.remove(path);
    }

    public synchronized void makeHung(Path path) {
        hung.add(path);
    }

    public synchronized void failNextGlusterMount(MountException failure) {
        nextGlusterFailure = failure;
    }

    /** Mounts something unrelated, as another driver or an operator might. */
    public synchronized void mountForeign(Path target, String fsType, String source) {
        table.add(new MountPoint("0:" + nextDevice++, "/", target, Set.of("rw"), fsType, source));
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized long count(String prefix) {
        return calls.stream().filter(call -> call.startsWith(prefix)).count();
    }
}
