package io.converged.gluster.controller.snapshot;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandFailedException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The file work of a copy, as argv commands on the peer whose mounts it uses (pods/exec on Kubernetes,
 * processes in local mode): a copy runs in the background, where a command's few milliseconds do not
 * matter, so there is one way to do each thing wherever the peer is. Paths are the peer's. A command
 * that fails says so in its own words: a full brick or quota is RESOURCE_EXHAUSTED, a mount whose client
 * died UNAVAILABLE, anything else INTERNAL.
 */
final class PeerTree {
    /**
     * The copy itself may run for hours, and removing what a copy that died half-way left takes as long
     * as making it; everything else is bounded by the runner's timeout.
     */
    static final Duration COPY_TIMEOUT = Duration.ofHours(24);

    private final CommandRunner runner;
    private final Duration timeout;

    PeerTree(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    String describe() {
        return runner.describe();
    }

    boolean isDirectory(String path) throws CsiException {
        return run(List.of("test", "-d", path)).succeeded();
    }

    /** The names directly in the directory ({@code .}-names too); empty when it is missing. */
    List<String> names(String dir) throws CsiException {
        CommandResult result = run(List.of("find", dir, "-mindepth", "1", "-maxdepth", "1", "-printf", "%f\\n"));
        if (!result.succeeded() && result.message().contains("No such file or directory")) {
            return List.of();
        }
        require("listing " + dir, result);
        return result.stdout().lines().filter(line -> !line.isEmpty()).toList();
    }

    void makeDirectories(String... paths) throws CsiException {
        List<String> argv = new ArrayList<>(List.of("mkdir", "-p", "--"));
        argv.addAll(List.of(paths));
        require("making " + String.join(" ", paths), run(argv));
    }

    /**
     * Removes the tree, however long that takes (it is a copy's leftover: as big as a copy, and removed in
     * the background like one); never crosses into another file system (a mount under it stays whole).
     */
    void removeTree(String path) throws CsiException {
        require("removing " + path, runner.run(List.of("rm", "-rf", "--one-file-system", "--", path), COPY_TIMEOUT));
    }

    void removeDirectory(String path) throws CsiException {
        require("removing " + path, run(List.of("rmdir", "--", path)));
    }

    /** Renames one directory to a name that must not exist yet. */
    void rename(String from, String to) throws CsiException {
        require("renaming " + from, run(List.of("mv", "-T", "--", from, to)));
    }

    /** The bytes the tree takes on disk (holes of sparse files take none). */
    long diskUsage(String path) throws CsiException {
        CommandResult result = require("measuring " + path, run(List.of("du", "-s", "-B1", "--", path)));
        try {
            return Long.parseLong(result.stdout().strip().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            throw CsiException.internal("unreadable du of " + path + ": " + result.stdout(), e);
        }
    }

    Optional<String> attribute(String path, String name) throws CsiException {
        CommandResult result = run(List.of("getfattr", "--only-values", "-n", name, "--", path));
        if (result.succeeded()) {
            return Optional.of(result.stdout());
        }
        if (result.message().contains("No such attribute")) {
            return Optional.empty();
        }
        throw failed("reading " + name + " of " + path, result);
    }

    void setAttribute(String path, String name, String value) throws CsiException {
        require("writing " + name + " of " + path, run(List.of("setfattr", "-n", name, "-v", value, "--", path)));
    }

    /** Removes the attribute if the path has it. */
    void removeAttribute(String path, String name) throws CsiException {
        CommandResult result = run(List.of("setfattr", "-x", name, "--", path));
        if (!result.succeeded() && !result.message().contains("No such attribute")) {
            throw failed("removing " + name + " of " + path, result);
        }
    }

    /** Gives {@code path} the owner, group and mode of {@code reference}. */
    void copyOwnerAndMode(String reference, String path) throws CsiException {
        require("setting the owner of " + path, run(List.of("chown", "--reference=" + reference, "--", path)));
        require("setting the mode of " + path, run(List.of("chmod", "--reference=" + reference, "--", path)));
    }

    /**
     * Copies the tree {@code from} (its contents and its own owner, mode, times and attributes) to the
     * new directory {@code to}: {@code cp -a}, which keeps owners, modes, timestamps, symbolic and hard
     * links and extended attributes, with {@code --sparse=always}, which keeps holes. Returns the result;
     * the caller decides what a failure means.
     */
    CommandResult copy(String from, String to) throws CommandException {
        return runner.run(List.of("cp", "-a", "--sparse=always", "--", from + "/.", to), COPY_TIMEOUT);
    }

    /**
     * Copies the entries of the directory {@code from} into the existing directory {@code to}, as
     * {@link #copy} copies them, leaving {@code to}'s own owner, mode, times and attributes alone:
     * {@code find -execdir} hands them, as {@code ./NAME}, to {@code cp -a --sparse=always -t TO} in as
     * few runs as find's 128 KiB of arguments allow (one run for a few thousand entries). Hard links
     * between entries that two runs copy become separate files. Returns the result; the caller decides
     * what a failure means.
     */
    CommandResult copyEntries(String from, String to) throws CommandException {
        return runner.run(List.of("find", from, "-mindepth", "1", "-maxdepth", "1", "-execdir", "cp", "-a",
                "--sparse=always", "-t", to, "--", "{}", "+"), COPY_TIMEOUT);
    }

    /**
     * The bricks of {@code volume} that the gluster mount at {@code mountPoint} is not connected to, by
     * their client names ({@code VOLUME-client-N}), as the mount's own {@code .meta} tree tells (each
     * protocol client's {@code private} reads {@code connected = 0|1}). Empty when every brick is
     * connected, or when the mount shows no client of the volume at all (then nothing can be told).
     */
    List<String> disconnectedBricks(String mountPoint, String volume) throws CsiException {
        String graph = mountPoint + "/.meta/graphs/active";
        List<String> clients = names(graph).stream().filter(name -> name.startsWith(volume + "-client-")).sorted()
                .toList();
        if (clients.isEmpty()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(List.of("grep", "-H", "^connected = ", "--"));
        clients.forEach(client -> argv.add(graph + "/" + client + "/private"));
        CommandResult result = require("reading the connections of " + mountPoint, run(argv));
        List<String> connected = result.stdout().lines().filter(line -> line.endsWith("connected = 1"))
                .map(line -> line.substring(graph.length() + 1, line.indexOf("/private:"))).toList();
        return clients.stream().filter(client -> !connected.contains(client)).toList();
    }

    void mount(List<String> argv) throws CsiException {
        require("mounting " + argv.get(argv.size() - 2) + " at " + argv.get(argv.size() - 1), run(argv));
    }

    /** Unmounts the directory: at once if nothing holds it, else lazily; false when nothing was mounted there. */
    boolean unmount(String dir) throws CsiException {
        CommandResult result = run(List.of("umount", dir));
        if (result.succeeded()) {
            return true;
        }
        if (result.message().contains("not mounted") || result.message().contains("no mount point")
                || result.message().contains("No such file or directory")) {
            return false;
        }
        return require("unmounting " + dir, run(List.of("umount", "-l", dir))).succeeded();
    }

    private CommandResult run(List<String> argv) throws CommandException {
        return runner.run(argv, timeout);
    }

    private CommandResult require(String doing, CommandResult result) throws CsiException {
        if (!result.succeeded()) {
            throw failed(doing, result);
        }
        return result;
    }

    /** A command's failure with the code its words call for. */
    CsiException failed(String doing, CommandResult result) {
        String words = result.message();
        if (words.contains("No space left on device") || words.contains("Disk quota exceeded")) {
            return CsiException.exhausted(doing + " on " + describe() + ": " + words);
        }
        if (words.contains("Transport endpoint is not connected") || words.contains("Stale file handle")
                || words.contains("Socket not connected")) {
            return new CsiException(Status.Code.UNAVAILABLE, doing + " on " + describe()
                    + ": a gluster mount does not answer: " + words);
        }
        return CommandFailedException.because(doing + " on " + describe(), result);
    }
}
