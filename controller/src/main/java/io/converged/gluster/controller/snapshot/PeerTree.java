package io.converged.gluster.controller.snapshot;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandFailedException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

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
    /** Copy programs that run side by side in one copy. */
    static final int STREAMS = 4;
    /** The bytes of names ({@code ./NAME}, each with its NUL) one run of a copy program is given at most. */
    static final int RUN_BYTES = 96 * 1024;
    /** What a byte that is not UTF-8 reads as. */
    private static final char UNREADABLE = '\uFFFD';
    /** How this JVM turns a program's arguments into bytes (a locale that is not UTF-8 cannot pass every name). */
    private static final Charset ARGUMENTS = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    /** Starts a copy program in the background. */
    @FunctionalInterface
    interface Launcher {
        Future<CommandResult> launch(Callable<CommandResult> program);
    }

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
     * Copies the entries of the directory {@code from} into the existing directory {@code to} with
     * {@code cp -a --sparse=always}, which keeps owners, modes, timestamps, symbolic and hard links,
     * extended attributes and holes, leaving {@code to}'s own owner, mode, times and attributes alone.
     * The entries are dealt among {@value #STREAMS} copy programs that run side by side (see {@link #deal}):
     * one copy through FUSE waits on gluster's round trips far more than on the processor, and four at once
     * took 1 GiB in 1,000 files from one mount of a replica-3 pool to another in 20 s where one took 25 s.
     * Entries that hold hard links to one file are copied by one program, in one run unless they are more
     * than a run's {@value #RUN_BYTES} bytes of names ({@code cp} keeps only the hard links among what one
     * run copies). A name that is not UTF-8 (or that this JVM's locale cannot pass as an argument) makes it
     * one program that {@code find -execdir} hands the entries (as many runs as 128 KiB of arguments
     * need). Finding the hard links is one walk of the tree's metadata. Returns the first failed run's
     * result, else a success; the caller decides what a failure means.
     */
    CommandResult copyEntries(String from, String to, Launcher launcher) throws CsiException {
        long start = System.nanoTime();
        List<String> names = entries(from);
        Map<String, Set<String>> linked = new HashMap<>();
        CommandResult links = require("looking for hard links in " + from, run(List.of("find", from, "-mindepth", "1",
                "-type", "f", "-links", "+1", "-printf", "%i/%P\\0")));
        if (!names.stream().allMatch(PeerTree::passable) || !passable(links.stdout())) {
            // A name that cannot be handed back as read: find hands the entries over itself.
            return runner.run(List.of("find", from, "-mindepth", "1", "-maxdepth", "1", "-execdir", "cp", "-a",
                    "--sparse=always", "-t", to, "--", "{}", "+"), COPY_TIMEOUT);
        }
        for (String found : links.stdout().split("\0")) {
            int slash = found.indexOf('/');
            if (slash > 0) {
                String path = found.substring(slash + 1);
                int end = path.indexOf('/');
                linked.computeIfAbsent(found.substring(0, slash), inode -> new LinkedHashSet<>())
                        .add(end < 0 ? path : path.substring(0, end));
            }
        }
        List<Future<CommandResult>> streams = new ArrayList<>();
        for (List<List<String>> runs : deal(groups(names, linked.values()), STREAMS, RUN_BYTES, 2)) {
            streams.add(launcher.launch(() -> copyRuns(from, to, runs)));
        }
        CommandResult failed = null;
        try {
            for (Future<CommandResult> stream : streams) {
                CommandResult result = stream.get();
                if (failed == null && !result.succeeded()) {
                    failed = result;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            streams.forEach(stream -> stream.cancel(true));
            throw CsiException.aborted("copying " + from + " to " + to + " was interrupted");
        } catch (ExecutionException e) {
            streams.forEach(stream -> stream.cancel(true));
            if (e.getCause() instanceof CsiException cause) {
                throw cause;
            }
            throw CsiException.internal("copying " + from + " to " + to + ": " + e.getCause(), e.getCause());
        }
        return failed != null ? failed : new CommandResult(List.of("cp", "-a", "--sparse=always", "-t", to, "--",
                from + "/*"), 0, "", "", Duration.ofNanos(System.nanoTime() - start));
    }

    /** A name read from a command that goes back into a command's arguments as the same bytes. */
    private static boolean passable(String name) {
        return name.indexOf(UNREADABLE) < 0 && ARGUMENTS.newEncoder().canEncode(name);
    }

    private CommandResult copyRuns(String from, String to, List<List<String>> runs) throws CommandException {
        CommandResult last = null;
        for (List<String> run : runs) {
            // Names relative to the source (env changes into it), so a run holds more of them.
            List<String> argv = new ArrayList<>(List.of("env", "-C", from, "cp", "-a", "--sparse=always", "-t", to,
                    "--"));
            run.forEach(name -> argv.add("./" + name));
            last = runner.run(argv, COPY_TIMEOUT);
            if (!last.succeeded()) {
                return last;
            }
        }
        return last;
    }

    /** The names directly in the directory, whatever bytes they hold (newlines too). */
    private List<String> entries(String dir) throws CsiException {
        CommandResult result = require("listing " + dir, run(List.of("find", dir, "-mindepth", "1", "-maxdepth", "1",
                "-printf", "%f\\0")));
        return Arrays.stream(result.stdout().split("\0")).filter(name -> !name.isEmpty()).toList();
    }

    /**
     * The entries in groups that one copy run must copy together: those that hold hard links to one file
     * (each set of {@code linked} is the entries holding links to one file), in the order of {@code names};
     * every other entry alone.
     */
    static List<List<String>> groups(List<String> names, Collection<Set<String>> linked) {
        Map<String, String> parent = new HashMap<>();
        for (Set<String> together : linked) {
            String first = null;
            for (String name : together) {
                if (first == null) {
                    first = root(parent, name);
                } else {
                    String other = root(parent, name);
                    if (!other.equals(first)) {
                        parent.put(other, first);
                    }
                }
            }
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String name : names) {
            groups.computeIfAbsent(root(parent, name), key -> new ArrayList<>()).add(name);
        }
        return new ArrayList<>(groups.values());
    }

    private static String root(Map<String, String> parent, String name) {
        String at = name;
        while (parent.containsKey(at)) {
            at = parent.get(at);
        }
        return at;
    }

    /**
     * Deals the groups among at most {@code streams} copy programs, each given its runs (lists of names) to
     * copy one after another: the largest groups first, each to the program with the fewest names so far;
     * then each program's groups packed into runs of at most {@code runBytes} bytes of names, a name costing
     * its bytes plus {@code prefixBytes} and a NUL. A group goes whole into one run unless it alone is over
     * the budget. Programs without a name are left out.
     */
    static List<List<List<String>>> deal(List<List<String>> groups, int streams, int runBytes, int prefixBytes) {
        List<List<List<String>>> dealt = new ArrayList<>();
        int[] counts = new int[streams];
        for (int i = 0; i < streams; i++) {
            dealt.add(new ArrayList<>());
        }
        List<List<String>> largestFirst = new ArrayList<>(groups);
        largestFirst.sort(Comparator.comparingInt((List<String> group) -> group.size()).reversed());
        for (List<String> group : largestFirst) {
            int least = 0;
            for (int i = 1; i < streams; i++) {
                if (counts[i] < counts[least]) {
                    least = i;
                }
            }
            dealt.get(least).add(group);
            counts[least] += group.size();
        }
        List<List<List<String>>> programs = new ArrayList<>();
        for (List<List<String>> share : dealt) {
            List<List<String>> runs = new ArrayList<>();
            List<String> run = new ArrayList<>();
            int bytes = 0;
            for (List<String> group : share) {
                int groupBytes = 0;
                for (String name : group) {
                    groupBytes += cost(name, prefixBytes);
                }
                if (!run.isEmpty() && bytes + groupBytes > runBytes) {
                    runs.add(run);
                    run = new ArrayList<>();
                    bytes = 0;
                }
                for (String name : group) {
                    if (!run.isEmpty() && bytes + cost(name, prefixBytes) > runBytes) {
                        runs.add(run);
                        run = new ArrayList<>();
                        bytes = 0;
                    }
                    run.add(name);
                    bytes += cost(name, prefixBytes);
                }
            }
            if (!run.isEmpty()) {
                runs.add(run);
            }
            if (!runs.isEmpty()) {
                programs.add(runs);
            }
        }
        return programs;
    }

    private static int cost(String name, int prefixBytes) {
        return prefixBytes + name.getBytes(StandardCharsets.UTF_8).length + 1;
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
