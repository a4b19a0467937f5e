package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.peer.PeerSource;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Storage peers whose commands never run: each argv is answered by what it is (gluster's
 * {@code volume info V}, {@code pool list}, {@code stat -f}, {@code mkdir}, ...), never by its
 * place in a script, and recorded per peer, so a test says what ran and what did not. Gluster
 * answers with its real XML: the GlusterFS 10.3 fixtures in {@code gluster-xml/}, or documents
 * built in their shape ({@link Volume}, the pool list).
 *
 * <p>Peer {@code i} (from 1) is named {@code p<i>}, has address {@code 10.0.0.<i>}, zone
 * {@code zone-<i>} and node {@code node-<i>}; its brick prefix is {@code /}. A test makes one
 * command answer otherwise with {@link #when}: a gluster refusal ({@code opRet -1}, see
 * {@link #refused}), a non-zero exit ({@link #exit}) or a thrown {@link CommandException}
 * ({@link #raise}). Lock contention must never be answered: {@link Peer#gluster()} retries it with
 * real sleeps.
 *
 * <p>By default gluster's answers never change. {@link #keepsWhatItBuilds()} makes the volumes
 * stateful: what {@code volume create}, {@code set}, {@code start}, {@code stop}, {@code delete} and
 * the quota commands do shows in later {@code volume info} answers. A peer's FUSE mounts of a pool
 * ({@code mount -t glusterfs}, {@code umount -l}) are remembered, and {@code stat -f} of a mount point
 * answers as FUSE, or as the root file system's ext4 when nothing is mounted there, or as a dead
 * client ({@link #clientDies}).
 */
final class FakePeers implements PeerSource {
    static final List<String> GLUSTER = List.of("gluster", "--mode=script");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    /** What {@code stat -f} reports under every brick root unless a test says otherwise: 100 GiB. */
    static final long FREE_BYTES = 100 * Capacity.GIB;
    private static final long BLOCK = 4096;
    /** {@code stat -f -c %t}: FUSE_SUPER_MAGIC, and ext4's magic (what a mount point shows with nothing on it). */
    static final String FUSE_TYPE = "65735546";
    static final String EXT4_TYPE = "ef53";
    /** What {@code stat -f} of a pool's mount reports: 1 TiB, 100 GiB of it free. */
    static final long POOL_TOTAL_BYTES = 1024 * Capacity.GIB;
    private static final Set<String> READS = Set.of("stat", "test", "find", "getfattr", "grep");

    /** How a peer answers one command. */
    sealed interface Answer permits Exit, Raise {
    }

    /** The command ran and exited with this code. */
    record Exit(int code, String stdout, String stderr) implements Answer {
    }

    /** The command could not be run at all (the runner throws). */
    record Raise(String message) implements Answer {
    }

    private record Rule(String peer, Predicate<List<String>> command, Answer answer) {
    }

    private final List<Peer> all = new ArrayList<>();
    private final Set<String> gone = new HashSet<>();
    private final Set<String> down = new HashSet<>();
    private final Set<String> unreachable = new HashSet<>();
    private final Map<String, Long> free = new HashMap<>();
    private final Map<String, String> found = new HashMap<>();
    private final Map<String, Volume> volumes = new LinkedHashMap<>();
    /** Limits gluster accepted, by {@code volume:path}. */
    private final Map<String, Long> limits = new HashMap<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final Map<String, List<List<String>>> argvs = new LinkedHashMap<>();
    private final List<Consumer<String>> echoes = new ArrayList<>();
    /** Per peer, its FUSE mount points of pools: true while the client lives. */
    private final Map<String, Map<String, Boolean>> mounts = new HashMap<>();
    private boolean keeps;

    FakePeers(int count) {
        for (int i = 1; i <= count; i++) {
            String name = "p" + i;
            argvs.put(name, new ArrayList<>());
            all.add(new Peer(name, "10.0.0." + i, "zone-" + i, "node-" + i, new Runner(name), GLUSTER, "/"));
        }
    }

    // ---------------------------------------------------------------- the pool as a test sets it up

    @Override
    public List<Peer> peers() {
        return all.stream().filter(p -> !gone.contains(p.name())).toList();
    }

    @Override
    public String describe() {
        return "fake peers " + all.stream().map(Peer::name).toList();
    }

    /** Peer {@code i}, counted from 1. */
    Peer peer(int i) {
        return all.get(i - 1);
    }

    /** Peer {@code i} is no longer listed (its pod is gone); gluster still knows it, as disconnected. */
    FakePeers gone(int i) {
        gone.add(peer(i).name());
        down.add(peer(i).name());
        return this;
    }

    /** Peer {@code i}'s glusterd does not answer, and the others' pool lists show it disconnected. */
    FakePeers down(int i) {
        down.add(peer(i).name());
        return this;
    }

    /** {@code stat -f} on peer {@code i} reports this much room. */
    FakePeers free(int i, long bytes) {
        free.put(peer(i).name(), bytes);
        return this;
    }

    /** {@code find} on peer {@code i} prints these lines. */
    FakePeers finds(int i, String... lines) {
        found.put(peer(i).name(), String.join("\n", lines) + "\n");
        return this;
    }

    /** Gluster has this volume: {@code volume info} describes it. */
    FakePeers has(Volume volume) {
        volumes.put(volume.name, volume);
        return this;
    }

    /** Gluster's volumes change as the commands that ran say (see the class comment). */
    FakePeers keepsWhatItBuilds() {
        keeps = true;
        return this;
    }

    /** The listener hears each command, as {@link #log()} shows it, when it runs. */
    FakePeers echo(Consumer<String> listener) {
        echoes.add(listener);
        return this;
    }

    /** The FUSE client of peer {@code i}'s mount at {@code dir} died: the mount point answers ENOTCONN. */
    FakePeers clientDies(int i, String dir) {
        Map<String, Boolean> mounted = mounts.computeIfAbsent(peer(i).name(), p -> new HashMap<>());
        if (!mounted.containsKey(dir)) {
            throw new IllegalStateException("nothing is mounted at " + dir + " on " + peer(i).name());
        }
        mounted.put(dir, false);
        return this;
    }

    /** Commands the predicate matches get this answer, on every peer. The first matching rule wins. */
    FakePeers when(Predicate<List<String>> command, Answer answer) {
        rules.add(new Rule(null, command, answer));
        return this;
    }

    /** Commands the predicate matches get this answer on peer {@code i}. */
    FakePeers when(int i, Predicate<List<String>> command, Answer answer) {
        rules.add(new Rule(peer(i).name(), command, answer));
        return this;
    }

    // ---------------------------------------------------------------- matching commands and answers

    /** A gluster command whose arguments (after the prefix) start with these. */
    static Predicate<List<String>> gluster(String... args) {
        List<String> wanted = List.of(args);
        return argv -> isGluster(argv) && startsWith(glusterArgs(argv), wanted);
    }

    /** Any other command whose argv starts with these. */
    static Predicate<List<String>> command(String... start) {
        List<String> wanted = List.of(start);
        return argv -> !isGluster(argv) && startsWith(argv, wanted);
    }

    /** Gluster's refusal: {@code opRet -1} with this {@code opErrstr}, as the CLI prints it with {@code --xml}. */
    static Answer refused(String opErrstr) {
        return new Exit(0, """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <cliOutput>
                  <opRet>-1</opRet>
                  <opErrno>30800</opErrno>
                  <opErrstr>%s</opErrstr>
                </cliOutput>
                """.formatted(opErrstr), "");
    }

    /** A fixture answer as gluster printed it. */
    static Answer answer(String fixture) {
        return new Exit(0, fixture(fixture), "");
    }

    static Answer exit(int code, String stderr) {
        return new Exit(code, "", stderr);
    }

    static Answer raise(String message) {
        return new Raise(message);
    }

    /** A real gluster answer from {@code controller/src/test/resources/gluster-xml/}. */
    static String fixture(String name) {
        try (InputStream in = FakePeers.class.getResourceAsStream("/gluster-xml/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- what ran

    /**
     * Every command in the order it ran, as {@code "p2: mkdir -- /mnt/brick1/v /mnt/brick1/v/brick"};
     * gluster commands as {@code "p1: gluster volume start v"} (prefix and {@code --xml} left out).
     */
    List<String> log() {
        return List.copyOf(log);
    }

    /** {@link #log()} without the commands that only read (pool list, volume info, quota list, stat, test, find). */
    List<String> writes() {
        return log.stream().filter(FakePeers::isWrite).toList();
    }

    /** True when a line of {@link #log()} is a command that changes something. */
    static boolean isWrite(String line) {
        return !isRead(line.substring(line.indexOf(": ") + 2));
    }

    /** The names of the volumes gluster has now. */
    Set<String> volumeNames() {
        return Set.copyOf(volumes.keySet());
    }

    /** The argv of every command peer {@code i} ran, exactly as its runner got it. */
    List<List<String>> ran(int i) {
        return List.copyOf(argvs.get(peer(i).name()));
    }

    private static boolean isRead(String command) {
        if (command.startsWith("gluster ")) {
            List<String> args = List.of(command.substring("gluster ".length()).split(" "));
            return args.equals(List.of("pool", "list")) || startsWith(args, List.of("volume", "info"))
                    || startsWith(args, List.of("volume", "status"))
                    || args.size() >= 4 && args.get(1).equals("quota") && args.get(3).equals("list");
        }
        return READS.contains(command.split(" ")[0]);
    }

    private static boolean isGluster(List<String> argv) {
        return startsWith(argv, GLUSTER);
    }

    /** The arguments after the prefix, without the trailing {@code --xml}. */
    private static List<String> glusterArgs(List<String> argv) {
        int end = argv.get(argv.size() - 1).equals("--xml") ? argv.size() - 1 : argv.size();
        return argv.subList(GLUSTER.size(), end);
    }

    private static boolean startsWith(List<String> list, List<String> start) {
        return list.size() >= start.size() && list.subList(0, start.size()).equals(start);
    }

    // ---------------------------------------------------------------- answering

    private final class Runner implements CommandRunner {
        private final String peer;

        Runner(String peer) {
            this.peer = peer;
        }

        /** A fake peer's answers do not depend on the environment (the CLI's gsyncd probe is not modelled). */
        @Override
        public CommandResult run(List<String> argv, Map<String, String> environment, Duration timeout)
                throws CommandException {
            return run(argv, timeout);
        }

        @Override
        public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
            argvs.get(peer).add(List.copyOf(argv));
            String line = peer + ": " + (isGluster(argv) ? "gluster " + String.join(" ", glusterArgs(argv))
                    : String.join(" ", argv));
            log.add(line);
            echoes.forEach(listener -> listener.accept(line));
            Answer answer = rules.stream()
                    .filter(rule -> (rule.peer() == null || rule.peer().equals(peer)) && rule.command().test(argv))
                    .map(Rule::answer).findFirst()
                    .orElseGet(() -> isGluster(argv) ? glusterAnswer(peer, glusterArgs(argv))
                            : shellAnswer(peer, argv));
            if (answer instanceof Raise raise) {
                throw new CommandException(raise.message() + " (on " + describe() + ")");
            }
            Exit exit = (Exit) answer;
            return new CommandResult(argv, exit.code(), exit.stdout(), exit.stderr(), Duration.ZERO);
        }

        @Override
        public String describe() {
            return "fake peer " + peer;
        }
    }

    private Answer glusterAnswer(String peer, List<String> args) {
        if (down.contains(peer)) {
            // The CLI's own words when its glusterd does not answer: no XML, exit 1.
            return new Exit(1, fixture("unreachable.txt"), "");
        }
        String joined = String.join(" ", args);
        if (joined.equals("pool list")) {
            return ok(poolList(all.stream().filter(p -> p.name().equals(peer)).findFirst().orElseThrow()));
        }
        if (joined.equals("volume info")) {
            return ok(Volume.info(volumes.values()));
        }
        if (args.size() == 3 && joined.startsWith("volume info ")) {
            Volume volume = volumes.get(args.get(2));
            return volume == null ? answer("info-notfound.xml") : ok(Volume.info(List.of(volume)));
        }
        if (args.size() < 3 || !args.get(0).equals("volume")) {
            throw new AssertionError("the fake peers do not know gluster " + joined);
        }
        String name = args.get(2);
        if (keeps) {
            keep(args);
        }
        return switch (args.get(1)) {
            case "create" -> renamed("create.xml", "va", name);
            case "set" -> answer("set-many.xml");
            case "start" -> renamed("start-r2.xml", "v2", name);
            case "stop" -> renamed("stop-peer-down.xml", "v2", name);
            case "delete" -> renamed("delete-r2.xml", "v2", name);
            case "quota" -> quota(args);
            default -> throw new AssertionError("the fake peers do not know gluster " + joined);
        };
    }

    /** Gluster no longer shows the limit it accepted on this path (as after a peer's glusterd resynced). */
    void forgetLimit(String volume, String path) {
        limits.remove(volume + ":" + path);
    }

    private Answer quota(List<String> args) {
        String name = args.get(2);
        return switch (args.get(3)) {
            case "enable" -> {
                if (volumes.containsKey(name)) {
                    volumes.get(name).quota(true);
                }
                yield answer("quota-enable.xml");
            }
            case "limit-usage" -> {
                // Gluster shows a limit it accepted: quota list answers it, kept or not.
                limits.put(name + ":" + args.get(4), Long.parseLong(args.get(5)));
                yield answer("limit.xml");
            }
            case "remove" -> {
                limits.remove(name + ":" + args.get(4));
                yield answer("limit.xml");
            }
            case "soft-timeout", "hard-timeout" -> answer("limit.xml");
            case "list" -> {
                Volume volume = volumes.get(name);
                if (volume == null && limits.keySet().stream().noneMatch(k -> k.startsWith(name + ":"))) {
                    yield answer("info-notfound.xml");
                }
                if (volume != null && !volume.quota) {
                    yield answer("quota-list-disabled.xml");
                }
                StringBuilder lines = new StringBuilder();
                for (String path : args.subList(4, args.size())) {
                    Long bytes = limits.get(name + ":" + path);
                    if (bytes == null && path.equals("/") && volume != null && volume.limit.isPresent()) {
                        bytes = volume.limit.getAsLong();
                    }
                    if (bytes != null) {
                        String template = fixture("quota-list.xml");
                        String line = template.substring(template.indexOf("<limit>"),
                                template.indexOf("</limit>") + "</limit>".length());
                        lines.append(line.replace("<path>/</path>", "<path>" + path + "</path>")
                                .replace("2147483648", Long.toString(bytes)));
                    }
                }
                if (lines.isEmpty()) {
                    yield answer("quota-list-nolimit.xml");
                }
                String template = fixture("quota-list.xml");
                yield ok(template.substring(0, template.indexOf("<limit>")) + lines
                        + template.substring(template.indexOf("</limit>") + "</limit>".length()));
            }
            default -> throw new AssertionError("the fake peers do not know gluster " + String.join(" ", args));
        };
    }

    /** What a gluster write the fake answers as done changes of the volumes, when they are kept. */
    private void keep(List<String> args) {
        String name = args.get(2);
        Volume volume = volumes.get(name);
        if (volume == null && !args.get(1).equals("create")) {
            return;
        }
        switch (args.get(1)) {
            case "create" -> {
                List<String> bricks = args.stream().filter(arg -> arg.contains(":")).toList();
                volumes.put(name, Volume.named(name).status("Created").quota(false).bricks(bricks));
            }
            case "set" -> {
                for (int i = 3; i + 1 < args.size(); i += 2) {
                    volume.option(args.get(i), args.get(i + 1));
                }
            }
            case "start" -> volume.status("Started");
            case "stop" -> volume.status("Stopped");
            case "delete" -> volumes.remove(name);
            case "quota" -> {
                switch (args.get(3)) {
                    case "enable" -> volume.quota(true);
                    case "soft-timeout", "hard-timeout" -> volume.option("features." + args.get(3), args.get(4));
                    case "limit-usage" -> {
                        if (args.get(4).equals("/")) {
                            volume.limit(Long.parseLong(args.get(5)));
                        }
                    }
                    default -> {
                    }
                }
            }
            default -> {
            }
        }
    }

    static Answer renamed(String fixture, String from, String to) {
        return ok(fixture(fixture).replace("<name>" + from + "</name>", "<name>" + to + "</name>"));
    }

    static Answer ok(String stdout) {
        return new Exit(0, stdout, "");
    }

    /** {@code pool list} as the peer answers it, shaped as {@code pool-list-formed.xml}: the others, then itself. */
    private String poolList(Peer self) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <cliOutput>
                  <opRet>0</opRet>
                  <opErrno>0</opErrno>
                  <opErrstr/>
                  <peerStatus>
                """);
        for (Peer other : all) {
            if (other.equals(self)) {
                continue;
            }
            xml.append("""
                        <peer>
                          <uuid>%s</uuid>
                          <hostname>%s</hostname>
                          <hostnames>
                            <hostname>%s</hostname>
                          </hostnames>
                          <connected>%d</connected>
                          <state>3</state>
                          <stateStr>Peer in Cluster</stateStr>
                        </peer>
                    """.formatted(uuid(other.address()), other.address(), other.address(),
                    down.contains(other.name()) ? 0 : 1));
        }
        xml.append("""
                    <peer>
                      <uuid>%s</uuid>
                      <hostname>localhost</hostname>
                      <connected>1</connected>
                    </peer>
                  </peerStatus>
                </cliOutput>
                """.formatted(uuid(self.address())));
        return xml.toString();
    }

    /** A stable uuid for a peer address or a volume name. */
    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private Answer shellAnswer(String peer, List<String> argv) {
        return switch (argv.get(0)) {
            case "stat" -> {
                if (argv.size() == 6 && argv.subList(0, 5).equals(List.of("stat", "-f", "-c", "%t %a %b %S", "--"))) {
                    yield statOfMount(peer, argv.get(5));
                }
                if (argv.size() != 6 || !argv.subList(0, 5).equals(List.of("stat", "-f", "-c", "%a %S", "--"))) {
                    throw new AssertionError("the fake peers do not know " + argv);
                }
                long bytes = free.getOrDefault(peer, FREE_BYTES);
                yield ok((bytes / BLOCK) + " " + BLOCK + "\n");
            }
            case "mount" -> {
                if (argv.size() != 7 || !argv.subList(0, 4).equals(List.of("mount", "-t", "glusterfs", "-o"))) {
                    throw new AssertionError("the fake peers do not know " + argv);
                }
                mounts.computeIfAbsent(peer, p -> new HashMap<>()).put(argv.get(6), true);
                yield ok("");
            }
            case "umount" -> {
                Boolean was = mounts.computeIfAbsent(peer, p -> new HashMap<>()).remove(argv.get(argv.size() - 1));
                yield was == null ? exit(32, "umount: " + argv.get(argv.size() - 1) + ": not mounted.") : ok("");
            }
            case "find" -> ok(found.getOrDefault(peer, ""));
            case "grep" -> connections(peer, argv);
            case "getfattr" -> limitAttribute(argv.get(argv.size() - 1));
            case "test", "mkdir", "chgrp", "chmod", "rm", "mv", "rmdir" -> ok("");
            default -> throw new AssertionError("the fake peers do not know " + argv);
        };
    }

    /**
     * {@code grep -H '^connected = ' -- FILES} of a mount's clients: each client of a mounted pool is connected,
     * unless {@link #bricksUnreachable} says a peer's mounts reach no brick yet.
     */
    private Answer connections(String peer, List<String> argv) {
        if (argv.size() < 5 || !argv.subList(0, 4).equals(List.of("grep", "-H", "^connected = ", "--"))) {
            throw new AssertionError("the fake peers do not know " + argv);
        }
        String state = unreachable.contains(peer) ? "0" : "1";
        StringBuilder out = new StringBuilder();
        argv.subList(4, argv.size()).forEach(file -> out.append(file).append(":connected = ").append(state)
                .append('\n'));
        return ok(out.toString());
    }

    /** The pool mounts of peer {@code i} reach no brick (their clients are not connected). */
    FakePeers bricksUnreachable(int i) {
        unreachable.add(peer(i).name());
        return this;
    }

    /**
     * getfattr's dump of the limit attribute of a directory on a brick: the limit gluster accepted on
     * that path of the volume, if any; a path on no brick is not there.
     */
    private Answer limitAttribute(String path) {
        for (Volume volume : volumes.values()) {
            for (String brick : volume.bricks) {
                String root = brick.substring(brick.indexOf(':') + 1);
                if (path.startsWith(root + "/")) {
                    Long bytes = limits.get(volume.name + ":" + path.substring(root.length()));
                    if (bytes == null) {
                        return ok("");
                    }
                    return ok("# file: " + path + "\ntrusted.glusterfs.quota.limit-set.1=0x"
                            + String.format("%016x", bytes) + "ffffffffffffffff\n\n");
                }
            }
        }
        return exit(1, "getfattr: " + path + ": No such file or directory");
    }

    /** {@code stat -f -c "%t %a %b %S"} of a mount point: FUSE, dead, or the ext4 under it. */
    private Answer statOfMount(String peer, String dir) {
        Boolean alive = mounts.getOrDefault(peer, Map.of()).get(dir);
        if (alive == null) {
            return ok(EXT4_TYPE + " 1000 2000 " + BLOCK + "\n");
        }
        if (!alive) {
            return exit(1, "stat: cannot read file system information for '" + dir
                    + "': Transport endpoint is not connected");
        }
        return ok(FUSE_TYPE + " " + FREE_BYTES / BLOCK + " " + POOL_TOTAL_BYTES / BLOCK + " " + BLOCK + "\n");
    }

    // ---------------------------------------------------------------- volumes as gluster describes them

    /**
     * A volume as {@code volume info --xml} of GlusterFS 10.3 describes it (the shape of
     * {@code info-r2.xml}): its bricks, status, and options, gluster's defaults first, then the
     * quota options once quota is enabled, then whatever a test sets (the driver's {@code user.csi.*}).
     */
    static final class Volume {
        private final String name;
        private String status = "Started";
        private int replica;
        private List<String> bricks = List.of();
        private boolean quota = true;
        private OptionalLong limit = OptionalLong.empty();
        private final Map<String, String> options = new LinkedHashMap<>();

        private Volume(String name) {
            this.name = name;
        }

        /** A started replica volume with quota enabled and no limit, no bricks and no options yet. */
        static Volume named(String name) {
            return new Volume(name);
        }

        /** {@code Created}, {@code Started} or {@code Stopped}. */
        Volume status(String statusStr) {
            this.status = statusStr;
            return this;
        }

        /** The bricks, {@code host:path}, one per replica. */
        Volume bricks(List<String> hostPaths) {
            this.bricks = List.copyOf(hostPaths);
            this.replica = hostPaths.size();
            return this;
        }

        Volume replica(int count) {
            this.replica = count;
            return this;
        }

        Volume quota(boolean enabled) {
            this.quota = enabled;
            return this;
        }

        /** The hard limit {@code quota list /} shows. */
        Volume limit(long bytes) {
            this.limit = OptionalLong.of(bytes);
            return this;
        }

        Volume option(String key, String value) {
            options.put(key, value);
            return this;
        }

        /** {@code volume info} listing these volumes. */
        static String info(Iterable<Volume> volumes) {
            StringBuilder xml = new StringBuilder("""
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <cliOutput>
                      <opRet>0</opRet>
                      <opErrno>0</opErrno>
                      <opErrstr/>
                      <volInfo>
                        <volumes>
                    """);
            int count = 0;
            for (Volume volume : volumes) {
                volume.appendTo(xml);
                count++;
            }
            xml.append("      <count>").append(count).append("</count>\n").append("""
                        </volumes>
                      </volInfo>
                    </cliOutput>
                    """);
            return xml.toString();
        }

        private void appendTo(StringBuilder xml) {
            Map<String, String> all = new LinkedHashMap<>();
            all.putAll(options);
            if (quota) {
                all.put("features.quota-deem-statfs", "on");
                all.put("features.inode-quota", "on");
                all.put("features.quota", "on");
            }
            all.put("cluster.granular-entry-heal", "on");
            all.put("storage.fips-mode-rchecksum", "on");
            all.put("transport.address-family", "inet");
            all.put("nfs.disable", "on");
            all.put("performance.client-io-threads", "off");
            int statusCode = switch (status) {
                case "Created" -> 0;
                case "Started" -> 1;
                case "Stopped" -> 2;
                default -> throw new IllegalArgumentException("no gluster status " + status);
            };
            xml.append("""
                          <volume>
                            <name>%s</name>
                            <id>%s</id>
                            <status>%d</status>
                            <statusStr>%s</statusStr>
                            <snapshotCount>0</snapshotCount>
                            <brickCount>%d</brickCount>
                            <distCount>1</distCount>
                            <replicaCount>%d</replicaCount>
                            <arbiterCount>0</arbiterCount>
                            <disperseCount>0</disperseCount>
                            <redundancyCount>0</redundancyCount>
                            <type>2</type>
                            <typeStr>Replicate</typeStr>
                            <transport>0</transport>
                            <bricks>
                    """.formatted(name, uuid(name), statusCode, status, bricks.size(), replica));
            for (String brick : bricks) {
                String host = brick.substring(0, brick.indexOf(':'));
                xml.append("          <brick uuid=\"%1$s\">%2$s<name>%2$s</name><hostUuid>%1$s</hostUuid>"
                        .formatted(uuid(host), brick)).append("<isArbiter>0</isArbiter></brick>\n");
            }
            xml.append("        </bricks>\n        <optCount>").append(all.size()).append("</optCount>\n")
                    .append("        <options>\n");
            all.forEach((key, value) -> xml.append("""
                              <option>
                                <name>%s</name>
                                <value>%s</value>
                              </option>
                    """.formatted(key, value)));
            xml.append("        </options>\n      </volume>\n");
        }
    }
}
