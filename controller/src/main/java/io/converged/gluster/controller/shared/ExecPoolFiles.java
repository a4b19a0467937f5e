package io.converged.gluster.controller.shared;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandFailedException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pool mounted on a peer the controller reaches by commands (pods/exec on Kubernetes): each
 * operation is one or two argv commands on that peer, every one bounded in time.
 */
public final class ExecPoolFiles implements PoolFiles {
    /** {@code stat -f -c %t} of a FUSE mount: FUSE_SUPER_MAGIC. */
    static final String FUSE_MAGIC = "65735546";
    static final String RECORD = "user.csi.claim";
    /** Paths per getfattr command: argv crosses the Kubernetes API as URL parameters. */
    private static final int BATCH = 200;

    private final String root;
    /** The mount point itself: {@link #root} unless this is a view of a hidden directory. */
    private final String mount;
    private final String attribute;
    private final CommandRunner runner;
    private final Duration timeout;
    private final String where;

    /** @param root the pool's mount point on the peer */
    public ExecPoolFiles(String root, CommandRunner runner, Duration timeout, String where) {
        this(root, root, RECORD, runner, timeout, where);
    }

    private ExecPoolFiles(String root, String mount, String attribute, CommandRunner runner, Duration timeout,
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
        return new ExecPoolFiles(path(hidden), mount, attribute, runner, timeout, where + " (" + hidden + ")");
    }

    @Override
    public PoolFiles recording(String userAttribute) {
        if (!userAttribute.startsWith("user.") || userAttribute.length() == "user.".length()) {
            throw new IllegalArgumentException("not a user.* attribute: " + userAttribute);
        }
        return new ExecPoolFiles(root, mount, userAttribute, runner, timeout, where);
    }

    @Override
    public void verify() throws CsiException {
        space();
    }

    @Override
    public List<String> disconnectedBricks(String volume, int bricks) throws CsiException {
        String graph = mount + "/.meta/graphs/active/";
        List<String> argv = new ArrayList<>(List.of("grep", "-H", "^connected = ", "--"));
        for (int i = 0; i < bricks; i++) {
            argv.add(graph + volume + "-client-" + i + "/private");
        }
        // grep exits 2 when a client's file is missing (not in the graph yet): that client is not connected.
        CommandResult result = run(argv);
        List<String> connected = result.stdout().lines().filter(line -> line.endsWith(":connected = 1"))
                .map(line -> line.substring(graph.length(), line.indexOf("/private:"))).toList();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < bricks; i++) {
            if (!connected.contains(volume + "-client-" + i)) {
                missing.add(volume + "-client-" + i);
            }
        }
        return missing;
    }

    @Override
    public Space space() throws CsiException {
        CommandResult result = run(List.of("stat", "-f", "-c", "%t %a %b %S", "--", mount));
        String[] fields = result.stdout().strip().split("\\s+");
        if (!result.succeeded() || fields.length != 4 || !FUSE_MAGIC.equals(fields[0])) {
            throw new MountGoneException(describe() + " is not mounted or does not answer: "
                    + (result.succeeded() ? "filesystem type " + fields[0] : result.message()));
        }
        try {
            long block = Long.parseLong(fields[3]);
            return new Space(Long.parseLong(fields[1]) * block, Long.parseLong(fields[2]) * block);
        } catch (NumberFormatException e) {
            throw CsiException.internal("unreadable statfs of " + describe() + ": " + result.stdout(), e);
        }
    }

    @Override
    public boolean makeDirectory(String name) throws CsiException {
        CommandResult result = run(List.of("mkdir", "-m", "755", "--", path(name)));
        if (result.succeeded()) {
            return true;
        }
        if (result.message().contains("File exists")) {
            return false;
        }
        throw failed("making " + name, result);
    }

    @Override
    public void shareWithGroup(String name, int gid) throws CsiException {
        require("setting the group of " + name, run(List.of("chgrp", Integer.toString(gid), "--", path(name))));
        require("setting the mode of " + name, run(List.of("chmod", "2775", "--", path(name))));
    }

    @Override
    public Entry read(String name) throws CsiException {
        CommandResult result = run(List.of("getfattr", "--only-values", "-n", attribute, "--", path(name)));
        if (result.succeeded()) {
            return new Entry(true, Optional.of(result.stdout()));
        }
        if (result.message().contains("No such attribute")) {
            return new Entry(true, Optional.empty());
        }
        if (result.message().contains("No such file or directory")) {
            return Entry.ABSENT;
        }
        throw failed("reading the record of " + name, result);
    }

    @Override
    public void writeRecord(String name, String record) throws CsiException {
        require("writing the record of " + name, run(List.of("setfattr", "-n", attribute, "-v", record, "--",
                path(name))));
    }

    @Override
    public boolean removeIfEmpty(String name) throws CsiException {
        CommandResult result = run(List.of("rmdir", "--", path(name)));
        if (result.succeeded()) {
            return true;
        }
        if (result.message().contains("not empty") || result.message().contains("No such file or directory")) {
            return false;
        }
        throw failed("removing " + name, result);
    }

    @Override
    public void moveAside(String name, String aside, String newName) throws CsiException {
        require("moving " + name + " aside", run(List.of("mv", "-T", "--", path(name), path(aside + "." + newName))));
    }

    @Override
    public List<String> listAside(String aside) throws CsiException {
        String prefix = aside + ".";
        CommandResult set = run(List.of("find", root, "-mindepth", "1", "-maxdepth", "1", "-name", prefix + "*",
                "-printf", "%f\\n"));
        if (!root.equals(mount) && !set.succeeded() && set.message().contains("No such file or directory")) {
            return List.of();
        }
        require("listing " + aside, set);
        List<String> names = new ArrayList<>(set.stdout().lines().filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length())).toList());
        CommandResult older = run(List.of("find", path(aside), "-mindepth", "1", "-maxdepth", "1", "-printf",
                "%f\\n"));
        if (!older.succeeded() && older.message().contains("No such file or directory")) {
            return names;
        }
        require("listing " + aside + "/", older);
        older.stdout().lines().filter(line -> !line.isBlank()).forEach(names::add);
        return names;
    }

    @Override
    public void removeAside(String aside, String name) throws CsiException {
        require("removing " + aside + "." + name, run(List.of("rm", "-rf", "--one-file-system", "--",
                path(aside + "." + name), path(aside) + "/" + name)));
    }

    @Override
    public Map<String, Optional<String>> records() throws CsiException {
        CommandResult listing = run(List.of("find", root, "-mindepth", "1", "-maxdepth", "1", "-type", "d",
                "!", "-name", ".*", "-printf", "%f\\n"));
        if (!root.equals(mount) && !listing.succeeded() && listing.message().contains("No such file or directory")) {
            // A view's hidden directory that was never made holds nothing.
            verify();
            return new TreeMap<>();
        }
        require("listing the claims", listing);
        Map<String, Optional<String>> records = new TreeMap<>();
        List<String> names = listing.stdout().lines().filter(line -> !line.isBlank()).toList();
        names.forEach(name -> records.put(name, Optional.empty()));
        for (int from = 0; from < names.size(); from += BATCH) {
            List<String> argv = new ArrayList<>(List.of("getfattr", "--absolute-names", "-n", attribute, "--"));
            names.subList(from, Math.min(names.size(), from + BATCH)).forEach(name -> argv.add(path(name)));
            // Exit 1 when some directory has no record: those are absent from the dump and named on stderr.
            // Anything else on stderr (an I/O error, no getfattr) must not pass for "no record".
            CommandResult dump = run(argv);
            List<String> errors = dump.stderr().lines()
                    .filter(line -> !line.isBlank() && !line.contains("No such attribute")
                            && !line.contains("Removing leading '/'")).toList();
            if (!dump.succeeded() && !errors.isEmpty()) {
                throw CommandFailedException.because("reading the claim records on " + describe(), dump);
            }
            parseDump(dump.stdout(), records);
        }
        return records;
    }

    /** getfattr's dump: blocks of {@code # file: PATH} then {@code user.csi.claim="VALUE"}. */
    void parseDump(String dump, Map<String, Optional<String>> records) {
        String file = null;
        String prefix = attribute + "=\"";
        for (String line : dump.lines().toList()) {
            if (line.startsWith("# file: ")) {
                String path = line.substring("# file: ".length());
                file = path.substring(path.lastIndexOf('/') + 1);
            } else if (file != null && line.startsWith(prefix) && line.endsWith("\"")) {
                records.put(file, Optional.of(line.substring(prefix.length(), line.length() - 1)));
            }
        }
    }

    @Override
    public String describe() {
        return where;
    }

    private String path(String name) {
        return root + "/" + name;
    }

    private CommandResult run(List<String> argv) throws CsiException {
        CommandResult result;
        try {
            result = runner.run(argv, timeout);
        } catch (CommandException e) {
            throw new MountGoneException(describe() + ": " + e.getMessage(), e);
        }
        if (!result.succeeded() && LocalPoolFiles.gone(result.message())) {
            throw new MountGoneException(describe() + " does not answer: " + result.message());
        }
        return result;
    }

    private void require(String doing, CommandResult result) throws CsiException {
        if (!result.succeeded()) {
            throw failed(doing, result);
        }
    }

    private CommandFailedException failed(String doing, CommandResult result) {
        return CommandFailedException.because(doing + " on " + describe(), result);
    }
}
