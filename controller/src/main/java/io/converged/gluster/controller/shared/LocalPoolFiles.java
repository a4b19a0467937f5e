package io.converged.gluster.controller.shared;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A pool mounted on this machine: the controller does the file work itself (a system call costs
 * microseconds, a command milliseconds, and a claim's whole budget is a few). Each operation runs
 * on a worker thread with a time bound, so a FUSE mount that hangs makes the call fail with
 * DEADLINE_EXCEEDED instead of holding it. Only setting a group with the setgid bit, which Java
 * cannot do, and removing whole trees run as commands.
 */
public final class LocalPoolFiles implements PoolFiles {
    /** The record's extended attribute: {@code user.csi.claim} (Java adds the {@code user.} namespace). */
    static final String RECORD = "csi.claim";
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "pool-files");
        thread.setDaemon(true);
        return thread;
    });

    /** True when this process's umask takes no bit of 0755 away (022, 002, 0), so mkdir makes 0755 as is. */
    private static final boolean UMASK_KEEPS_0755 = (umask() & 0755) == 0;

    private final Path root;
    /** The mount point itself: {@link #root} unless this is a view of a hidden directory. */
    private final Path mount;
    /** The record's attribute as the user-attribute view names it (without {@code user.}). */
    private final String attribute;
    private final CommandRunner runner;
    private final Duration timeout;
    private final String where;
    private volatile FileStore store;

    /**
     * @param root the pool's mount point on this machine
     * @param runner runs the few commands (chgrp, chmod, rm) on this machine
     */
    public LocalPoolFiles(Path root, CommandRunner runner, Duration timeout, String where) {
        this(root, root, RECORD, runner, timeout, where);
    }

    private LocalPoolFiles(Path root, Path mount, String attribute, CommandRunner runner, Duration timeout,
            String where) {
        this.root = root;
        this.mount = mount;
        this.attribute = attribute;
        this.runner = runner;
        this.timeout = timeout;
        this.where = where;
    }

    @Override
    public PoolFiles under(String hidden) {
        if (!hidden.startsWith(".") || hidden.contains("/") || hidden.equals(".") || hidden.equals("..")) {
            throw new IllegalArgumentException("not a hidden directory name: " + hidden);
        }
        return new LocalPoolFiles(root.resolve(hidden), mount, attribute, runner, timeout, where + " (" + hidden + ")");
    }

    @Override
    public PoolFiles recording(String userAttribute) {
        if (!userAttribute.startsWith("user.") || userAttribute.length() == "user.".length()) {
            throw new IllegalArgumentException("not a user.* attribute: " + userAttribute);
        }
        return new LocalPoolFiles(root, mount, userAttribute.substring("user.".length()), runner, timeout, where);
    }

    @Override
    public void verify() throws CsiException {
        within("checking the mount", () -> {
            mounted();
            return null;
        });
    }

    @Override
    public List<String> disconnectedBricks(String volume, int bricks) throws CsiException {
        return within("reading the connections of the mount", () -> {
            Path graph = mount.resolve(".meta/graphs/active");
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < bricks; i++) {
                String client = volume + "-client-" + i;
                Path state = graph.resolve(client).resolve("private");
                boolean connected;
                try {
                    connected = Files.readAllLines(state).contains("connected = 1");
                } catch (NoSuchFileException e) {
                    connected = false;
                }
                if (!connected) {
                    missing.add(client);
                }
            }
            return missing;
        });
    }

    /** Throws {@link MountGoneException} unless the root is a mount point (another device than its parent). */
    private void mounted() throws IOException, MountGoneException {
        Object here;
        try {
            here = Files.getAttribute(mount, "unix:dev");
        } catch (NoSuchFileException e) {
            throw new MountGoneException(describe() + " is not mounted (its mount point is not made yet)");
        }
        Object parent = Files.getAttribute(mount.getParent(), "unix:dev");
        if (here.equals(parent)) {
            throw new MountGoneException(describe() + " is not mounted");
        }
    }

    @Override
    public long freeBytes() throws CsiException {
        return within("measuring the pool", () -> {
            mounted();
            return store().getUsableSpace();
        });
    }

    private FileStore store() throws IOException {
        FileStore current = store;
        if (current == null) {
            current = Files.getFileStore(mount);
            store = current;
        }
        return current;
    }

    @Override
    public Space space() throws CsiException {
        return within("measuring the pool", () -> {
            mounted();
            return new Space(store().getUsableSpace(), store().getTotalSpace());
        });
    }

    @Override
    public boolean makeDirectory(String name) throws CsiException {
        return within("making " + name, () -> {
            Path dir = root.resolve(name);
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            // As mkdir -m 755 does, whatever this process's umask (one more round trip through FUSE, only when
            // the umask would have taken bits of 0755 away).
            if (!UMASK_KEEPS_0755) {
                Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
            }
            return true;
        });
    }

    @Override
    public void shareWithGroup(String name, int gid) throws CsiException {
        String path = root.resolve(name).toString();
        run(List.of("chgrp", Integer.toString(gid), "--", path));
        run(List.of("chmod", "2775", "--", path));
    }

    @Override
    public Entry read(String name) throws CsiException {
        return within("reading the record of " + name, () -> {
            Path dir = root.resolve(name);
            // Not Files.isDirectory: it answers false for any failure to look, a dead FUSE client's too.
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return Entry.ABSENT;
            }
            if (!attributes.isDirectory()) {
                return Entry.ABSENT;
            }
            return new Entry(true, readRecord(dir));
        });
    }

    @Override
    public void writeRecord(String name, String record) throws CsiException {
        within("writing the record of " + name, () -> {
            view(root.resolve(name)).write(attribute, ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)));
            return null;
        });
    }

    @Override
    public boolean removeIfEmpty(String name) throws CsiException {
        return within("removing " + name, () -> {
            try {
                Files.delete(root.resolve(name));
                return true;
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return false;
            }
        });
    }

    @Override
    public void moveAside(String name, String aside, String newName) throws CsiException {
        within("moving " + name + " aside", () -> {
            Files.move(root.resolve(name), root.resolve(aside + "." + newName), StandardCopyOption.ATOMIC_MOVE);
            return null;
        });
    }

    @Override
    public List<String> listAside(String aside) throws CsiException {
        return within("listing " + aside, () -> {
            List<String> names = new ArrayList<>();
            String prefix = aside + ".";
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, prefix + "*")) {
                entries.forEach(entry -> names.add(entry.getFileName().toString().substring(prefix.length())));
            } catch (NoSuchFileException e) {
                return names;
            }
            Path older = root.resolve(aside);
            if (Files.isDirectory(older, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(older)) {
                    entries.forEach(entry -> names.add(entry.getFileName().toString()));
                }
            }
            return names;
        });
    }

    @Override
    public void removeAside(String aside, String name) throws CsiException {
        run(List.of("rm", "-rf", "--one-file-system", "--", root.resolve(aside + "." + name).toString(),
                root.resolve(aside).resolve(name).toString()));
    }

    @Override
    public Map<String, Optional<String>> records() throws CsiException {
        return within("reading the claim records", () -> {
            Map<String, Optional<String>> records = new TreeMap<>();
            if (!root.equals(mount)) {
                mounted();
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (!name.startsWith(".") && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        records.put(name, readRecord(entry));
                    }
                }
            } catch (NoSuchFileException e) {
                if (root.equals(mount)) {
                    throw e;
                }
                // A view's hidden directory that was never made holds nothing.
            }
            return records;
        });
    }

    @Override
    public String describe() {
        return where;
    }

    /** This process's umask, from /proc/self/status; all bits set (never trusted) when it cannot be read. */
    static int umask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring("Umask:".length()).strip(), 8);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0777;
        }
        return 0777;
    }

    private static UserDefinedFileAttributeView view(Path dir) {
        return Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    }

    private Optional<String> readRecord(Path dir) throws IOException {
        UserDefinedFileAttributeView view = view(dir);
        try {
            ByteBuffer value = ByteBuffer.allocate(view.size(attribute));
            view.read(attribute, value);
            return Optional.of(new String(value.array(), 0, value.position(), StandardCharsets.UTF_8));
        } catch (FileSystemException e) {
            if (String.valueOf(e.getReason()).contains("No data available")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void run(List<String> argv) throws CsiException {
        try {
            runner.run(argv, timeout).requireSuccess(describe());
        } catch (CommandException e) {
            throw gone(e.getMessage()) ? new MountGoneException(describe() + ": " + e.getMessage(), e) : e;
        }
    }

    /** The work on a worker thread, bounded in time; a dead FUSE client is a {@link MountGoneException}. */
    private <T> T within(String doing, Callable<T> work) throws CsiException {
        Future<T> result = WORKERS.submit(work);
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new CsiException(Status.Code.DEADLINE_EXCEEDED, doing + " on " + describe()
                    + " did not finish within "
                    + timeout.toSeconds() + " s (is a gluster peer hung?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CsiException.unavailable("interrupted while " + doing + " on " + describe(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CsiException coded) {
                throw coded;
            }
            if (gone(String.valueOf(cause.getMessage()))) {
                throw new MountGoneException(describe() + " does not answer (" + cause.getMessage() + ")", cause);
            }
            throw CsiException.internal(doing + " on " + describe() + " failed: " + cause, cause);
        }
    }

    /** True for the words a dead FUSE client's mount answers with. */
    static boolean gone(String message) {
        return message.contains("Transport endpoint is not connected") || message.contains("Socket not connected")
                || message.contains("Stale file handle");
    }
}
