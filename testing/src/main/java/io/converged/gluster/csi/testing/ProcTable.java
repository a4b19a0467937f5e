package io.converged.gluster.csi.testing;

import static io.converged.gluster.csi.testing.LocalGlusterPool.ADDRESS_PREFIX;
import static io.converged.gluster.csi.testing.LocalGlusterPool.DIR_PREFIX;
import static io.converged.gluster.csi.testing.LocalGlusterPool.GLUSTER_RUN;
import static io.converged.gluster.csi.testing.LocalGlusterPool.TMP;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /proc} tells of this machine: the processes with their command lines ({@link ProcessInfo}:
 * which are gluster's, which belong to a test pool), the mounts ({@link MountInfo}), whether a process
 * still runs (a zombie does not), and waiting for processes to end. It reads and waits; it kills and
 * unmounts nothing (that is {@link PoolCleanup}'s).
 */
final class ProcTable {

    private ProcTable() {
    }

    /** A process and its command line. */
    record ProcessInfo(long pid, List<String> argv) {
        boolean isGluster() {
            if (argv.isEmpty()) {
                return false;
            }
            String exe = Path.of(argv.get(0)).getFileName().toString();
            return exe.equals("glusterd") || exe.equals("glusterfsd") || exe.equals("glusterfs");
        }

        /** A FUSE client (a mount of a volume), not a daemon of any peer. */
        boolean fuseClient() {
            for (int i = 0; i + 1 < argv.size(); i++) {
                if (argv.get(i).equals("--process-name") && argv.get(i + 1).equals("fuse")) {
                    return true;
                }
            }
            return argv.contains("--process-name=fuse");
        }

        boolean mentions(String text) {
            return argv.stream().anyMatch(a -> a.contains(text));
        }

        /** Whether a gluster process's volfile server is this address, e.g. {@code -s 127.1.9.2}. */
        boolean servedBy(String address) {
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                if ((a.equals("-s") || a.equals("--volfile-server")) && i + 1 < argv.size()
                        && argv.get(i + 1).equals(address)) {
                    return true;
                }
                if (a.equals("--volfile-server=" + address) || a.equals("management.transport.socket.bind-address="
                        + address)) {
                    return true;
                }
            }
            return false;
        }

        boolean servedByTestAddress() {
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                if ((a.equals("-s") || a.equals("--volfile-server")) && i + 1 < argv.size()
                        && argv.get(i + 1).startsWith(ADDRESS_PREFIX)) {
                    return true;
                }
                if (a.startsWith("--volfile-server=" + ADDRESS_PREFIX)
                        || a.startsWith("management.transport.socket.bind-address=" + ADDRESS_PREFIX)) {
                    return true;
                }
            }
            return false;
        }

        boolean ours(Path dir) {
            return isGluster() && (mentions(dir.toString()) || servedByTestAddress());
        }

        boolean anyTestPool() {
            return isGluster() && (mentions(TMP + "/" + DIR_PREFIX) || servedByTestAddress());
        }

        /** The sockets it was told to use ({@code -S PATH}). */
        List<Path> sockets() {
            List<Path> sockets = new ArrayList<>();
            for (int i = 0; i + 1 < argv.size(); i++) {
                if (argv.get(i).equals("-S") && argv.get(i + 1).startsWith(GLUSTER_RUN + "/")) {
                    sockets.add(Path.of(argv.get(i + 1)));
                }
            }
            return sockets;
        }
    }

    static List<ProcessInfo> processes() {
        List<ProcessInfo> result = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path entry : proc) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    byte[] raw = Files.readAllBytes(entry.resolve("cmdline"));
                    if (raw.length == 0) {
                        continue;
                    }
                    String text = new String(raw, StandardCharsets.UTF_8);
                    List<String> argv = List.of(text.split("\u0000"));
                    result.add(new ProcessInfo(Long.parseLong(name), argv));
                } catch (IOException e) {
                    // The process ended while we looked.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc", e);
        }
        return result;
    }

    /** A line of {@code /proc/self/mounts}. */
    record MountInfo(String source, Path target, String type) {
        boolean glusterFuse() {
            return type.equals("fuse.glusterfs") || type.equals("fuse");
        }

        boolean ours(Path dir) {
            return glusterFuse() && (target.startsWith(dir) || source.startsWith(ADDRESS_PREFIX));
        }

        boolean anyTestPool() {
            return glusterFuse() && (target.toString().startsWith(TMP + "/" + DIR_PREFIX)
                    || source.startsWith(ADDRESS_PREFIX));
        }
    }

    static List<MountInfo> mounts() {
        List<MountInfo> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length >= 3) {
                    mounts.add(new MountInfo(unescape(f[0]), Path.of(unescape(f[1])), f[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mounts", e);
        }
        return mounts;
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    static boolean isMountPoint(Path path) {
        return mounts().stream().anyMatch(m -> m.target().equals(path));
    }

    static void awaitGone(List<ProcessHandle> handles, Duration limit) throws IOException {
        if (!awaitGoneQuietly(handles, limit)) {
            throw new IOException("processes still alive after " + limit + ": "
                    + handles.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
        }
    }

    static boolean awaitGoneQuietly(List<ProcessHandle> handles, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (handles.stream().noneMatch(ProcTable::running)) {
                return true;
            }
            LocalGlusterPool.sleep(20);
        }
        return handles.stream().noneMatch(ProcTable::running);
    }

    /** Alive and not a zombie waiting for its parent. */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
