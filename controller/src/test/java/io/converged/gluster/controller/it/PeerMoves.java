package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.HealSummary;
import io.converged.gluster.csi.admin.v1.AdminGrpc;
import io.converged.gluster.csi.admin.v1.GetPoolRequest;
import io.converged.gluster.csi.admin.v1.Move;
import io.converged.gluster.csi.admin.v1.MoveBrickRequest;
import io.converged.gluster.csi.admin.v1.MoveBrickResponse;
import io.converged.gluster.csi.admin.v1.PlanMovesRequest;
import io.converged.gluster.csi.admin.v1.PlanMovesResponse;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What the brick-move tests share, on a real pool of at least 4 peers: the controller jar started with the
 * flags a test gives (its admin API is what {@code gluster-csi-ctl peer replace|drain} calls), a replica-3,
 * an arbiter and a replica-2 volume and a claim of a shared pool on peers 1-3, each FUSE-mounted through
 * peer 2 with files written and their checksums kept, the moves and heals followed as the CLI follows them,
 * and the checks a move must pass: every file with its checksum, {@code df}, the first FUSE client, heal at 0.
 * One instance per test class.
 */
final class PeerMoves {
    static final long MIB = 1024L * 1024;
    /** Bytes per file; heavier runs: -Dpeers.it.fileMiB=16. */
    private static final long FILE_BYTES = Long.getLong("peers.it.fileMiB", 1) * MIB;
    private static final Duration HEAL_LIMIT = Duration.ofSeconds(Long.getLong("peers.it.healSeconds", 90));
    private static final String QUOTAD_SOCKET = "/var/run/gluster/quotad.socket";
    private static final VolumeCapability RWX = ControllerIT.RWX;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A volume as the controller made it, and where it is mounted. */
    record Mounted(String name, Volume volume, String glusterVolume, long bytes, Path target, long client) {
    }

    final LocalGlusterPool pool;
    final GlusterCli gluster;
    final Map<String, Mounted> mounted = new LinkedHashMap<>();
    final Map<String, Map<String, String>> checksums = new ConcurrentHashMap<>();
    final List<String> watchFailures = new CopyOnWriteArrayList<>();
    private final Path dir;
    private final String who;
    private final Path peersFile;
    private final Path socket;
    private JarProcess controller;
    private UnixChannel channel;
    private int controllerRuns;

    /**
     * @param dir the test's directory (sockets, mounts, logs)
     * @param who the test class's name, before every line it prints
     */
    PeerMoves(LocalGlusterPool pool, Path dir, String who) throws IOException {
        this.pool = pool;
        this.dir = dir;
        this.who = who;
        pool.watchMountsUnder(dir);
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(peer.local(SocketController.ROOT));
        }
        this.gluster = new GlusterCli(new LocalCommandRunner(), pool.peer(2).cli());
        this.socket = dir.resolve("controller.sock");
        this.peersFile = dir.resolve("peers");
    }

    /** The four volumes on peers 1-3 (the replica-2 one on peers 1 and 3), each mounted with files written. */
    void provisionOnPeers1To3(Map<String, String> environment, String... flags) throws Exception {
        discover(1, 2, 3);
        startController(environment, flags);
        create("r3", 200 * MIB, Map.of("replica", "3"));
        create("arb", 200 * MIB, Map.of("replica", "3", "arbiter", "true"));
        discover(1, 3);
        create("r2", 200 * MIB, Map.of("replica", "2"));
        discover(1, 2, 3);
        create("claim", 100 * MIB, Map.of("pool", "shared"));
        for (Mounted m : mounted.values()) {
            writeFiles(m, "before", 3);
        }
    }

    /**
     * Unmounts, stops the controller, and keeps the controller's and the FUSE clients' logs in
     * {@code target/KEPT} for a run that needs reading (a failed test's peer logs are {@link FailureLogs}').
     */
    void close(String kept) throws Exception {
        for (Mounted m : mounted.values()) {
            new ProcessBuilder("umount", m.target().toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        stopController();
        Path keep = Files.createDirectories(Path.of("target", kept));
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    // ------------------------------------------------------------------ the moves

    /**
     * Every brick off the peer, one volume at a time as {@code peer replace|drain} goes: move, then follow
     * the heal to 0 before the next. Returns a line of figures per volume.
     */
    List<String> moveAll(String from, Optional<String> to, boolean drain) throws Exception {
        return moveAll(from, to, drain, Map.of());
    }

    /** The same, with the target of some volumes given (volume → peer address) instead of placement's. */
    List<String> moveAll(String from, Optional<String> to, boolean drain, Map<String, String> targets)
            throws Exception {
        PlanMovesRequest ask = PlanMovesRequest.newBuilder().setPeer(from).setTo(to.orElse("")).setDrain(drain).build();
        PlanMovesResponse plan = admin().planMoves(ask);
        // A peer just probed back in may answer volume status before it knows the others' bricks are up; the
        // refusal says to wait until they are, as an operator would.
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (plan.getMovesList().stream().anyMatch(m -> m.getState() == Move.State.REFUSED)
                && System.nanoTime() < until) {
            Thread.sleep(2000);
            plan = admin().planMoves(ask);
        }
        assertThat(plan.getMovesList()).as(plan.toString()).isNotEmpty()
                .allMatch(m -> m.getState() == Move.State.PENDING);
        List<String> figures = new ArrayList<>();
        for (Move planned : plan.getMovesList()) {
            MoveBrickResponse moved = move(MoveBrickRequest.newBuilder().setVolume(planned.getVolume()).setPeer(from)
                    .setTo(targets.getOrDefault(planned.getVolume(), to.orElse(""))).setDrain(drain).build());
            assertThat(moved.getMove().getState()).isEqualTo(Move.State.MOVED);
            double healed = awaitHealed(planned.getVolume());
            figures.add(String.format(who + " figures: %s moved to %s in %.1f s, healed %.1f s after",
                    planned.getVolume(), moved.getMove().getToPeer(), moved.getSeconds(), healed));
        }
        return figures;
    }

    /**
     * One MoveBrick, asked again (at most 3 times in all) when it answers UNAVAILABLE, as
     * {@code gluster-csi-ctl} plans a failed move again (up to 3 rounds). Here that is how a harness race
     * shows: {@code replace-brick} pre-validation sets and removes a test attribute on the new brick on
     * every peer that takes the new brick's address for its own, and on one machine every peer does; two
     * doing it at once fail one with "Removing test extended attribute failed ... No data available". On
     * real nodes only the new brick's peer does it.
     */
    MoveBrickResponse move(MoveBrickRequest request) throws InterruptedException {
        for (int attempt = 1;; attempt++) {
            try {
                return admin().moveBrick(request);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt >= 3) {
                    throw e;
                }
                System.out.println(who + " move of " + request.getVolume() + " answered " + e.getStatus()
                        + "; asking again");
                Thread.sleep(1000);
            }
        }
    }

    /** Waits until gluster's heal summary shows every brick connected and nothing to heal; the seconds it took. */
    double awaitHealed(String volume) throws Exception {
        long start = System.nanoTime();
        HealSummary heal = null;
        while (System.nanoTime() - start < HEAL_LIMIT.toNanos()) {
            try {
                heal = gluster.healSummary(volume);
                if (heal.healed()) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (Exception e) {
                System.out.println(who + " heal summary of " + volume + ": " + e.getMessage());
            }
            Thread.sleep(500);
        }
        throw new AssertionError("volume " + volume + " not healed within " + HEAL_LIMIT + ": " + heal + "\n"
                + glusterdViews());
    }

    /**
     * What each peer's glusterd holds of the pool, for a move whose brick no glusterd started (RELIABILITY.md,
     * finding 8): its own UUID and every file of its {@code peers/} directory (each known peer's UUID, state
     * and host names).
     */
    String glusterdViews() {
        StringBuilder text = new StringBuilder("what each glusterd knows of its peers:");
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            text.append("\npeer ").append(peer.index());
            try {
                text.append(" (").append(pool.uuid(peer.index())).append(")");
                Path peers = peer.workingDir().resolve("peers");
                try (Stream<Path> files = Files.list(peers)) {
                    for (Path file : files.sorted().toList()) {
                        text.append("\n  ").append(file.getFileName()).append(": ")
                                .append(String.join("; ", Files.readAllLines(file)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                text.append(": cannot read: ").append(e);
            }
        }
        return text.toString();
    }

    // ------------------------------------------------------------------ the checks

    void assertEveryVolumeOn(List<Integer> peers, int gone) throws Exception {
        List<String> addresses = peers.stream().map(PeerMoves::address).toList();
        for (String volume : mounted.values().stream().map(Mounted::glusterVolume).distinct().toList()) {
            List<String> hosts = gluster.volumeInfo(volume).orElseThrow().bricks().stream()
                    .map(Brick::host).toList();
            assertThat(hosts).as("bricks of " + volume).doesNotContain(address(gone)).allMatch(addresses::contains)
                    .doesNotHaveDuplicates();
            assertThat(gluster.healSummary(volume).healed()).as("heal of " + volume).isTrue();
        }
    }

    /** Every file reads back with its checksum, {@code df} shows each size, each mount has its first FUSE client. */
    void assertDataLimitsAndMountsKept() throws Exception {
        for (Mounted m : mounted.values()) {
            assertThat(sums(m.target())).as("files of " + m.name()).containsAllEntriesOf(checksums.get(m.name()));
            assertThat(Files.getFileStore(m.target()).getTotalSpace()).as("df of " + m.name()).isEqualTo(m.bytes());
            assertThat(fuseClient(m.target())).as("FUSE client of " + m.name()).contains(m.client());
        }
    }

    // ------------------------------------------------------------------ the pieces

    /** The peers holding each volume's bricks, by gluster volume. */
    Map<String, List<String>> brickHosts() throws Exception {
        Map<String, List<String>> hosts = new TreeMap<>();
        for (String volume : mounted.values().stream().map(Mounted::glusterVolume).distinct().toList()) {
            hosts.put(volume, gluster.volumeInfo(volume).orElseThrow().bricks().stream().map(Brick::host).toList());
        }
        return hosts;
    }

    /** The automatic mode's status as the admin API shows it (what {@code gluster-csi-ctl info} prints). */
    String autoStatus() {
        return admin().getPool(GetPoolRequest.getDefaultInstance()).getAutoReplace().getStatus();
    }

    /** Condition that may throw. */
    interface Check {
        boolean holds(String status) throws Exception;
    }

    /** Waits until the automatic mode's status (and whatever else the check reads) holds; returns the status. */
    String awaitAuto(String what, Duration limit, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = autoStatus();
            if (check.holds(status)) {
                return status;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no " + what + " within " + limit + "; status: " + status);
    }

    /** One sample of the controller's /metrics; NaN when absent. */
    double metric(URI metrics, String name, String labels) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : text.lines().toList()) {
            if (line.startsWith(name + "{") && line.contains(labels) || labels.isEmpty()
                    && line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /**
     * From the controller's log, the automatic mode's moves, the heals it waited for and its failed moves:
     * "move V to PEER", "healed V", "failed V off PEER failed: WHY".
     */
    List<String> autoSteps(Path log) throws IOException {
        List<String> steps = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            int moving = line.indexOf("; moving its brick of ");
            int healed = line.indexOf("automatic replacement: volume ");
            int failed = line.indexOf("automatic replacement: moving the brick of ");
            if (failed >= 0) {
                steps.add("failed " + line.substring(failed + "automatic replacement: moving the brick of ".length()));
            } else if (line.contains("automatic replacement: peer ") && moving >= 0) {
                steps.add("move " + line.substring(moving + "; moving its brick of ".length()));
            } else if (healed >= 0 && line.endsWith(" is healed")) {
                steps.add("healed " + line.substring(healed + "automatic replacement: volume ".length())
                        .split(" ")[0]);
            }
        }
        return steps;
    }

    static String address(int peer) {
        return LocalGlusterPool.ADDRESS_PREFIX + peer;
    }

    /** The controller discovers these peers (as the peer pods of labelled nodes would be). */
    void discover(int... peers) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i : peers) {
            text.append(pool.peer(i).peersFileLine()).append('\n');
        }
        Files.writeString(peersFile, text.toString());
    }

    /** Starts the controller jar with these flags besides the usual ones; returns its log. */
    Path startController() throws Exception {
        return startController(Map.of());
    }

    /** The same with extra environment variables (a fault-injection switch), when it shall not wait for it. */
    Path startController(Map<String, String> environment, String... flags) throws Exception {
        controllerRuns++;
        Path log = dir.resolve("controller-" + controllerRuns + ".log");
        List<String> args = new ArrayList<>(List.of("--endpoint", "unix://" + socket, "--peers-file",
                peersFile.toString(), "--allowed-brick-roots", "/mnt", "--pool-check-interval", "2"));
        args.addAll(List.of(flags));
        controller = JarProcess.start(JarProcess.jar("gluster-csi-controller.jar"), log, environment,
                args.toArray(String[]::new));
        controller.awaitSocket(socket, Duration.ofSeconds(30));
        channel = UnixChannel.open(new Endpoint(socket));
        return log;
    }

    AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    /** Waits for the controller to exit by itself (a fault injection halting it); its exit code. */
    int awaitControllerExit(Duration limit) throws InterruptedException {
        return controller.awaitExit(limit);
    }

    /** Stops the controller and closes the channel to it. */
    void stopController() throws Exception {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (controller != null) {
            controller.close();
            controller = null;
        }
    }

    void create(String name, long bytes, Map<String, String> parameters) throws Exception {
        Volume volume = ControllerGrpc.newBlockingStub(channel.channel())
                .withDeadlineAfter(5, TimeUnit.MINUTES)
                .createVolume(CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(RWX)
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                        .putAllParameters(parameters).build()).getVolume();
        Map<String, String> context = volume.getVolumeContextMap();
        String glusterVolume = context.get("glusterVolume");
        String source = glusterVolume + (context.containsKey("directory") ? "/" + context.get("directory") : "");
        Path target = Files.createDirectories(dir.resolve("mnt").resolve(name));
        // Peer 2 is never lost nor drained; the others are backups, as the node server lists them.
        List<String> argv = List.of("mount", "-t", "glusterfs", "-o", "log-file=" + dir.resolve(name + "-client.log")
                + ",backup-volfile-servers=" + address(1) + ":" + address(3), address(2) + ":/" + source,
                target.toString());
        Process mount = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertThat(mount.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(mount.exitValue()).as(new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        mounted.put(name, new Mounted(name, volume, glusterVolume, bytes, target, fuseClient(target).orElseThrow()));
        checksums.put(name, new ConcurrentHashMap<>());
    }

    /** The pid of the glusterfs client serving the mount point. */
    static Optional<Long> fuseClient(Path target) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    List<String> argv = List.of(Files.readString(proc.resolve("cmdline")).split("\0"));
                    if (!argv.isEmpty() && argv.get(0).endsWith("glusterfs") && argv.get(argv.size() - 1)
                            .equals(target.toString())) {
                        return Optional.of(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The peer whose quotad listens on the machine's one quotad socket: the socket's inode from
     * {@code /proc/net/unix}, the process holding it, the peer named by its {@code -s} argument.
     */
    static OptionalInt quotadPeer() throws IOException {
        String inode = null;
        for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[7].equals(QUOTAD_SOCKET) && f[3].equals("00010000")) {
                inode = f[6];
            }
        }
        if (inode == null) {
            return OptionalInt.empty();
        }
        String wanted = "socket:[" + inode + "]";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    boolean holds = fds.anyMatch(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().equals(wanted);
                        } catch (IOException e) {
                            return false;
                        }
                    });
                    if (holds) {
                        List<String> argv = List.of(Files.readString(proc.resolve("cmdline")).split("\0"));
                        int s = argv.indexOf("-s");
                        if (s >= 0 && argv.get(s + 1).startsWith(LocalGlusterPool.ADDRESS_PREFIX)) {
                            return OptionalInt.of(Integer.parseInt(argv.get(s + 1)
                                    .substring(LocalGlusterPool.ADDRESS_PREFIX.length())));
                        }
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        }
        return OptionalInt.empty();
    }

    void writeFiles(Mounted m, String tag, int count) throws Exception {
        byte[] data = new byte[(int) FILE_BYTES];
        for (int i = 0; i < count; i++) {
            ThreadLocalRandom.current().nextBytes(data);
            Files.write(m.target().resolve(tag + "-" + i + ".bin"), data);
            checksums.get(m.name()).put(tag + "-" + i + ".bin", sha256(data));
        }
        Path small = Files.createDirectories(m.target().resolve(tag + "-small"));
        for (int i = 0; i < 20; i++) {
            byte[] line = (tag + " " + i + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(small.resolve("s" + i), line);
            checksums.get(m.name()).put(tag + "-small/s" + i, sha256(line));
        }
    }

    static Map<String, String> sums(Path root) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                sums.put(root.relativize(file).toString(), sha256(Files.readAllBytes(file)));
            }
        }
        return sums;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until peer 2 lists these peers connected (the controller probes a new one in). */
    void awaitMembers(List<Integer> peers) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String list = "";
        while (System.nanoTime() < deadline) {
            list = pool.gluster(2, "pool", "list").stdout();
            String seen = list;
            if (peers.stream().allMatch(i -> seen.lines().anyMatch(l -> (l.contains(address(i) + "\t")
                    || i == 2 && l.contains("localhost")) && l.contains("Connected") && !l.contains("Disconnected")))) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("peers " + peers + " did not all connect:\n" + list);
    }

    /** Reads every mount a few times a second (statfs and a file); any failure means a mount went away. */
    final class Watcher {
        final AtomicLong rounds = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::run, "mount-watcher");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (running.get()) {
                for (Mounted m : mounted.values()) {
                    try {
                        Files.getFileStore(m.target()).getTotalSpace();
                        try (var in = Files.newInputStream(m.target().resolve("before-0.bin"))) {
                            in.readNBytes(4096);
                        }
                    } catch (IOException | RuntimeException e) {
                        watchFailures.add(m.name() + ": " + e);
                    }
                }
                rounds.incrementAndGet();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    /** Rewrites one of 16 small files, flushed to the volume, every 100 ms; every failure is kept. */
    final class Writer {
        final Mounted mounted;
        final AtomicLong writes = new AtomicLong();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Writer(Mounted mounted) {
            this.mounted = mounted;
            this.thread = new Thread(this::run, "writer-" + mounted.name());
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            byte[] data = new byte[16 * 1024];
            while (running.get()) {
                String file = "load-" + (writes.get() % 16) + ".bin";
                ThreadLocalRandom.current().nextBytes(data);
                long start = System.nanoTime();
                try (FileChannel out = FileChannel.open(mounted.target().resolve(file), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    out.write(ByteBuffer.wrap(data));
                    out.force(true);
                    checksums.get(mounted.name()).put(file, sha256(data));
                } catch (IOException | RuntimeException e) {
                    failures.add(file + " after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + e);
                }
                writes.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            running.set(false);
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
