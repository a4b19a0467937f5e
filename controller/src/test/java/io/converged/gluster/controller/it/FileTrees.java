package io.converged.gluster.controller.it;

import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.CsiException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Trees of files as the snapshot tests write them and compare them through gluster FUSE mounts: every
 * kind of thing a volume holds (owners, modes with special bits, old timestamps, symbolic links that
 * point inside, outside and nowhere, hard links, extended attributes, a sparse file, an empty directory,
 * a FIFO), and a description of a tree that two copies of it must share.
 */
final class FileTrees {
    private static final LocalCommandRunner RUNNER = new LocalCommandRunner();
    /** The sparse file's size; it holds one byte in its middle, so it takes almost no room. */
    static final long SPARSE_BYTES = 256L << 20;

    private FileTrees() {
    }

    /** Writes the metadata sample under {@code root} (which must be empty), owned and moded as a user would. */
    static void writeSample(Path root, String contentVersion) throws IOException {
        Path dir = Files.createDirectories(root.resolve("app/data"));
        Files.writeString(dir.resolve("file.txt"), "content " + contentVersion + "\n");
        run("chown", "1234:5678", dir.resolve("file.txt").toString());
        run("chmod", "0640", dir.resolve("file.txt").toString());
        Files.writeString(root.resolve("app/run.sh"), "#!/bin/sh\necho " + contentVersion + "\n");
        run("chmod", "4755", root.resolve("app/run.sh").toString());
        Files.createLink(dir.resolve("hard-link"), dir.resolve("file.txt"));
        Files.createSymbolicLink(root.resolve("app/link-inside"), Path.of("data/file.txt"));
        Files.createSymbolicLink(root.resolve("app/link-outside"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(root.resolve("app/link-dangling"), Path.of("no/such/file"));
        Path shared = Files.createDirectories(root.resolve("shared"));
        run("chmod", "1777", shared.toString());
        run("chown", "42:43", shared.toString());
        Files.createDirectories(root.resolve("empty"));
        run("mkfifo", root.resolve("app/fifo").toString());
        xattr(dir.resolve("file.txt"), "user.origin", "sample-" + contentVersion);
        xattr(root.resolve("app"), "user.dir-note", "kept on a directory");
        try (FileChannel file = FileChannel.open(root.resolve("sparse.img"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[] {42}), SPARSE_BYTES / 2);
            file.truncate(SPARSE_BYTES);
        }
        for (int i = 0; i < 20; i++) {
            Path file = Files.createDirectories(root.resolve("many/" + (i % 4))).resolve("f" + i);
            Files.write(file, (contentVersion + " " + i + " ").repeat(1000 + i * 50).getBytes(StandardCharsets.UTF_8));
        }
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(dir.resolve("file.txt"), old);
        run("touch", "-h", "-d", "@1000000000", root.resolve("app/link-inside").toString());
        Files.setLastModifiedTime(dir, old);
        run("chown", "1000:1000", root.toString());
        run("chmod", "0770", root.toString());
    }

    /**
     * Everything about the tree that a copy must keep, by relative path: type, mode, owner, group, size,
     * mtime (to the second), content digest, link target, user extended attributes, link count and the
     * group of paths sharing an inode. The root's own mtime is left out (filling a volume moves entries
     * into it), and so are the driver's records ({@code user.csi.*}), which belong to a volume and not to
     * its files; {@link #allocated} covers holes.
     */
    static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        Map<Object, List<String>> inodes = new HashMap<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted().toList();
        }
        for (Path path : paths) {
            String name = root.relativize(path).toString();
            Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid,size,nlink,ino,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            StringBuilder line = new StringBuilder();
            int mode = (Integer) unix.get("mode");
            line.append(String.format("mode=%o uid=%s gid=%s", mode, unix.get("uid"), unix.get("gid")));
            if (Files.isSymbolicLink(path)) {
                line.append(" link=").append(Files.readSymbolicLink(path));
            } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                line.append(" size=").append(unix.get("size")).append(" nlink=").append(unix.get("nlink"))
                        .append(" sha=").append(digest(path));
                inodes.computeIfAbsent(unix.get("ino"), i -> new ArrayList<>()).add(name);
            }
            if (!name.isEmpty()) {
                line.append(" mtime=").append(((FileTime) unix.get("lastModifiedTime")).toMillis() / 1000);
            }
            if (!Files.isSymbolicLink(path) && (Files.isRegularFile(path) || Files.isDirectory(path))) {
                line.append(" xattrs=").append(userAttributes(path));
            }
            tree.put(name.isEmpty() ? "." : name, line.toString());
        }
        inodes.values().stream().filter(names -> names.size() > 1).forEach(names -> names.forEach(
                name -> tree.put(name, tree.get(name) + " linked-with=" + names)));
        return tree;
    }

    /** The bytes a file takes on disk, as {@code du} counts them. */
    static long allocated(Path file) throws IOException {
        CommandResult result = run("du", "-B1", "--", file.toString());
        return Long.parseLong(result.stdout().strip().split("\\s+")[0]);
    }

    private static Map<String, String> userAttributes(Path path) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        Map<String, String> attributes = new TreeMap<>();
        for (String name : view.list()) {
            if (name.startsWith("csi.")) {
                continue; // the driver's records belong to the directory, never to its copies
            }
            ByteBuffer value = ByteBuffer.allocate(view.size(name));
            view.read(name, value);
            attributes.put(name, new String(value.array(), 0, value.position(), StandardCharsets.UTF_8));
        }
        return attributes;
    }

    private static String digest(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                sha.update(buffer);
                buffer.clear();
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void xattr(Path path, String name, String value) throws IOException {
        run("setfattr", "-n", name, "-v", value, "--", path.toString());
    }

    static CommandResult run(String... argv) throws IOException {
        CommandResult result;
        try {
            result = RUNNER.run(List.of(argv), Duration.ofSeconds(60));
        } catch (CsiException e) {
            throw new IOException(String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
            throw new IOException(String.join(" ", argv) + ": " + result.message());
        }
        return result;
    }
}
