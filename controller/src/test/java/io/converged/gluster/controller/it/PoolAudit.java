package io.converged.gluster.controller.it;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.HealSummary;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A consistency check over gluster and every peer's brick root, as the reliability suite's "what
 * was lost or leaked" measure: every brick directory belongs to a volume brick on that peer, every
 * volume is whole (started, its bricks on distinct peers and on disk, quota on) and its
 * {@code user.csi.*} metadata agrees with the volume. A dedicated volume's quota equals its recorded
 * capacity; every volume has the quota timeouts of its recorded enforcement, every directory of a
 * pool is a recorded claim with its limit equal to the recorded capacity (or, retained, without
 * one), nothing moved aside keeps a limit, and every limit glusterd keeps for the pool is on a live
 * claim's directory. The pool's directories are read from its first brick (read only: a test's
 * audit, never the driver's way in).
 */
final class PoolAudit {
    private static final String ROOT_GFID = "00000000-0000-0000-0000-000000000001";

    private PoolAudit() {
    }

    /**
     * Waits until every connected member of the pool lists the same volumes: a glusterd just started
     * again imports what it missed from the others a moment after it shows as connected, and until then
     * a command staged on it answers "Volume ... does not exist". Still different after a minute: that
     * is a problem of its own.
     */
    private static List<String> volumeListsDisagree(LocalGlusterPool pool) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, String> lists = new TreeMap<>();
            for (LocalGlusterPool.Peer peer : pool.peers()) {
                // A member answers and knows other peers; one detached, or never probed, knows only itself.
                CommandResult members = pool.gluster(peer.index(), "pool", "list");
                if (members.succeeded() && members.stdout().lines().filter(l -> !l.isBlank()).count() > 2) {
                    CommandResult listed = pool.gluster(peer.index(), "volume", "list");
                    lists.put(peer.address(), listed.succeeded() ? listed.stdout().lines().sorted().toList().toString()
                            : "no answer: " + listed.message());
                }
            }
            if (new HashSet<>(lists.values()).size() <= 1) {
                return List.of();
            }
            if (System.nanoTime() > deadline) {
                return List.of("the pool's members still list different volumes after a minute: " + lists);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of("interrupted while waiting for the members' volume lists to agree");
            }
        }
    }

    /**
     * The pool's claims are read from its first brick, which shows a change made through the volume only
     * once the brick has it: while gluster lists entries of the pool pending heal (a brick that missed a
     * rename), the index heal is asked for and the audit waits up to 30 s. Returns the heal state it
     * ended with, for the problems' messages.
     */
    private static String awaitHealed(GlusterCli gluster, String volume) {
        try {
            return awaitHealedOrThrow(gluster, volume);
        } catch (GlusterException e) {
            return "heal state unknown: " + e.getMessage();
        }
    }

    private static String awaitHealedOrThrow(GlusterCli gluster, String volume) throws GlusterException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HealSummary summary = gluster.healSummary(volume);
        boolean asked = false;
        while (!summary.healed() && System.nanoTime() < deadline) {
            if (!asked) {
                gluster.healIndex(volume);
                asked = true;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            summary = gluster.healSummary(volume);
        }
        return "heal: " + (summary.healed() ? "none pending" : summary.pendingEntries() + " entries pending, "
                + summary.splitBrainEntries() + " in split-brain, " + summary.unreadable().size() + " bricks unread")
                + (asked ? " (index heal asked for)" : "");
    }

    /** What the audit found, in words; empty when the pool is consistent. */
    static List<String> problems(LocalGlusterPool pool, GlusterCli gluster, String brickRoot)
            throws GlusterException, IOException {
        List<String> problems = new ArrayList<>(volumeListsDisagree(pool));
        List<VolumeInfo> volumes = gluster.volumeInfoAll();
        Set<String> expectedDirs = new HashSet<>();
        for (VolumeInfo volume : volumes) {
            problems.addAll(volumeProblems(pool, gluster, volume, brickRoot));
            for (Brick brick : volume.bricks()) {
                expectedDirs.add(brick.host() + " " + volume.name());
            }
        }
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Path root = peer.local(brickRoot);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(root)) {
                for (Path entry : entries.toList()) {
                    String name = entry.getFileName().toString();
                    if (!expectedDirs.contains(peer.address() + " " + name)) {
                        problems.add("orphan brick directory " + entry + " on peer " + peer.address()
                                + " (no volume has a brick there)");
                    }
                }
            }
        }
        return problems;
    }

    /** The claims of a pool as its first brick shows them: recorded, limited as recorded, nothing else. */
    static List<String> claimProblems(LocalGlusterPool peers, GlusterCli gluster, String pool, Path brick)
            throws GlusterException, IOException {
        List<String> problems = new ArrayList<>();
        for (Path entry : list(brick)) {
            String dir = entry.getFileName().toString();
            if (dir.startsWith(".glusterfs") || dir.equals(".trashcan")) {
                continue;
            }
            if (dir.startsWith(".csi-trash.") || dir.startsWith(".csi-archive.")) {
                if (limitSet(entry)) {
                    problems.add("pool " + pool + ": " + dir + " was set aside with its limit");
                }
                continue;
            }
            if (dir.equals(".csi-trash") || dir.equals(".csi-archive")) {
                for (Path aside : list(entry)) {
                    if (limitSet(aside)) {
                        problems.add("pool " + pool + ": " + dir + "/" + aside.getFileName() + " still has a limit");
                    }
                }
                continue;
            }
            if (dir.equals(".csi-snapshots")) {
                problems.addAll(snapshotProblems(pool, entry));
                continue;
            }
            Optional<String> record = xattr(entry, "user.csi.claim");
            if (record.isEmpty()) {
                problems.add("pool " + pool + ": directory " + dir + " is not a recorded claim");
                continue;
            }
            problems.addAll(contentProblems("pool " + pool + ": claim " + dir, entry));
            boolean retained = record.get().contains("state=retained");
            long recorded = Long.parseLong(record.get().replaceAll(".*capacity=([0-9]+).*", "$1"));
            Optional<QuotaLimit> limit = gluster.quotaList(pool, "/" + dir);
            long hard = limit.flatMap(l -> l.hardLimitBytes().isPresent()
                    ? Optional.of(l.hardLimitBytes().getAsLong()) : Optional.empty()).orElse(-1L);
            if (retained && limitSet(entry)) {
                problems.add("pool " + pool + ": retained directory " + dir + " still has a limit");
            } else if (!retained && hard != recorded) {
                problems.add("pool " + pool + ": claim " + dir + " records " + recorded + " bytes, its limit is "
                        + hard + " (on the brick: limit attribute " + (limitSet(entry) ? "set" : "absent") + "; in"
                        + " quota.conf of peer 1: " + inQuotaConf(peers.peer(1), pool, gfid(entry)) + "); what"
                        + " gluster ran on it: " + quotaHistory(peers, pool, dir));
            }
        }
        return problems;
    }

    /**
     * The snapshots of a pool, from a brick: each is recorded ready with its data in place and nothing else
     * (no copy left half-way); deleted ones wait in the trash for the purge.
     */
    static List<String> snapshotProblems(String pool, Path snapshots) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path snapshot : list(snapshots)) {
            String name = snapshot.getFileName().toString();
            if (name.equals(".csi-trash") || name.startsWith(".csi-trash.")) {
                continue;
            }
            Optional<String> record = xattr(snapshot, "user.csi.snapshot");
            if (record.isEmpty() || !record.get().contains(";state=ready")) {
                problems.add("pool " + pool + ": snapshot " + name + " is not recorded ready: " + record);
            }
            try (Stream<Path> entries = Files.list(snapshot)) {
                List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
                if (!names.equals(List.of("data"))) {
                    problems.add("pool " + pool + ": snapshot " + name + " holds " + names + ", not just its data");
                }
            }
        }
        return problems;
    }

    /** A volume filled from a source: recorded ready, with no copy of it left half-way in its root. */
    static List<String> contentProblems(String what, Path root) throws IOException {
        List<String> problems = new ArrayList<>();
        Optional<String> content = xattr(root, "user.csi.content");
        if (content.isPresent() && !content.get().contains(";state=ready")) {
            problems.add(what + " is still recorded as being filled: " + content.get());
        }
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> p.getFileName().toString().startsWith(".csi-copy-")
                    || p.getFileName().toString().equals(".csi-restored"))
                    .forEach(p -> problems.add(what + " holds a copy left half-way: " + p.getFileName() + " "
                            + describeLeftover(p)));
        }
        return problems;
    }

    private static String describeLeftover(Path dir) {
        try (Stream<Path> inside = Files.list(dir)) {
            return "holding " + inside.map(p -> p.getFileName().toString()).toList() + ", attributes "
                    + xattr(dir, "trusted.gfid").map(String::length).orElse(-1) + "-byte gfid";
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** The claim directories of a pool, from its first brick: name to record. */
    static Map<String, String> claims(GlusterCli gluster, String pool) throws GlusterException, IOException {
        Map<String, String> claims = new TreeMap<>();
        VolumeInfo info = gluster.volumeInfo(pool).orElseThrow();
        for (Path entry : list(Path.of(info.bricks().get(0).path()))) {
            String dir = entry.getFileName().toString();
            if (!dir.startsWith(".")) {
                claims.put(dir, xattr(entry, "user.csi.claim").orElse(""));
            }
        }
        return claims;
    }

    /**
     * Waits until the pool's trash, as its first brick shows it, is empty (the controller purges deleted
     * claims in the background); returns how long that took. Fails when it is not empty within the limit.
     */
    static Duration awaitTrashPurged(GlusterCli gluster, String pool, Duration limit)
            throws GlusterException, IOException, InterruptedException {
        Path brick = Path.of(gluster.volumeInfo(pool).orElseThrow().bricks().get(0).path());
        long start = System.nanoTime();
        while (!trash(brick).isEmpty()) {
            if (System.nanoTime() - start > limit.toNanos()) {
                throw new AssertionError("the trash of pool " + pool + " still holds " + trash(brick) + " after "
                        + limit.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** What waits in a root's trash, as a brick shows it: its {@code .csi-trash.NAME} entries (and any older trash). */
    static List<String> trash(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        for (Path entry : list(root)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".csi-trash.")) {
                names.add(name);
            }
        }
        list(root.resolve(".csi-trash")).forEach(entry -> names.add(".csi-trash/" + entry.getFileName()));
        return names;
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** Whether the directory carries a limit on the brick: GlusterFS 10 names it {@code limit-set.1}. */
    private static boolean limitSet(Path dir) {
        return xattr(dir, "trusted.glusterfs.quota.limit-set.1").isPresent()
                || xattr(dir, "trusted.glusterfs.quota.limit-set").isPresent();
    }

    /**
     * Every limit of the pool has its claim: each gfid in a peer's {@code quota.conf} (where glusterd
     * keeps the pool's limits, 16 bytes of gfid and one byte of type after a header line) is a
     * directory directly under the pool's root that is a recorded, live claim. A limit left on a
     * directory that was moved aside or removed, or on the root, is a problem.
     */
    static List<String> limitProblems(LocalGlusterPool pool, String name, Path brick) throws IOException {
        List<String> problems = new ArrayList<>();
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Path conf = peer.workingDir().resolve("vols").resolve(name).resolve("quota.conf");
            if (!Files.isRegularFile(conf)) {
                continue;
            }
            for (String gfid : quotaConf(Files.readAllBytes(conf))) {
                Optional<String> where = directoryOf(brick, gfid);
                if (where.isEmpty()) {
                    problems.add("pool " + name + " keeps a limit (quota.conf of peer " + peer.address() + ") on gfid "
                            + gfid + " whose directory is gone");
                    continue;
                }
                String dir = where.get();
                Optional<String> record = dir.contains("/") || dir.startsWith(".") ? Optional.empty()
                        : xattr(brick.resolve(dir), "user.csi.claim");
                if (record.isEmpty() || record.get().contains("state=retained")) {
                    problems.add("pool " + name + " keeps a limit (quota.conf of peer " + peer.address() + ") on "
                            + (dir.isEmpty() ? "its root" : dir) + ", which is not a live claim");
                }
            }
        }
        return problems;
    }

    /**
     * The quota commands each peer's glusterd ran on a directory of the pool, from its
     * {@code cmd_history.log}, so that a lost limit shows what touched it.
     */
    static List<String> quotaHistory(LocalGlusterPool peers, String pool, String dir) throws IOException {
        List<String> lines = new ArrayList<>();
        String command = "volume quota " + pool + " ";
        for (LocalGlusterPool.Peer peer : peers.peers()) {
            Path log = peer.logDir().resolve("cmd_history.log");
            if (!Files.isRegularFile(log)) {
                continue;
            }
            for (String line : Files.readAllLines(log)) {
                if (line.contains(command) && (line.contains(" /" + dir + " ") || line.contains(" /" + dir + ":"))) {
                    lines.add("peer " + peer.index() + ": " + line.strip());
                }
            }
        }
        return lines;
    }

    private static String inQuotaConf(LocalGlusterPool.Peer peer, String pool, Optional<String> gfid)
            throws IOException {
        Path conf = peer.workingDir().resolve("vols").resolve(pool).resolve("quota.conf");
        if (gfid.isEmpty() || !Files.isRegularFile(conf)) {
            return "unknown";
        }
        return quotaConf(Files.readAllBytes(conf)).contains(gfid.get()) ? "yes" : "no";
    }

    /** The gfid of a directory on a brick, as UUID text. */
    private static Optional<String> gfid(Path dir) {
        try {
            Process getfattr = new ProcessBuilder("getfattr", "--absolute-names", "-e", "hex", "-n", "trusted.gfid",
                    "--", dir.toString()).start();
            String out = new String(getfattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String hex = out.replaceAll("(?s).*trusted\\.gfid=(0x[0-9a-f]{32}).*", "$1");
            if (getfattr.waitFor() != 0 || !hex.matches("0x[0-9a-f]{32}")) {
                return Optional.empty();
            }
            return Optional.of(hex.substring(2, 10) + "-" + hex.substring(10, 14) + "-" + hex.substring(14, 18) + "-"
                    + hex.substring(18, 22) + "-" + hex.substring(22));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The gfids (as UUID text) of a {@code quota.conf}'s entries. */
    static List<String> quotaConf(byte[] conf) {
        int start = 0;
        while (start < conf.length && conf[start] != '\n') {
            start++;
        }
        start++;
        List<String> gfids = new ArrayList<>();
        for (int at = start; at + 17 <= conf.length; at += 17) {
            String hex = HexFormat.of().formatHex(conf, at, at + 16);
            gfids.add(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                    + hex.substring(16, 20) + "-" + hex.substring(20));
        }
        return gfids;
    }

    /**
     * Where the directory of a gfid lies in the brick, as a path below the root ("" for the root, "a/b"
     * for nested ones), from the brick's {@code .glusterfs} links; empty when no directory has it.
     */
    private static Optional<String> directoryOf(Path brick, String gfid) throws IOException {
        List<String> names = new ArrayList<>();
        String current = gfid;
        for (int depth = 0; depth < 64; depth++) {
            if (current.equals(ROOT_GFID)) {
                Collections.reverse(names);
                return Optional.of(String.join("/", names));
            }
            Path link = brick.resolve(".glusterfs").resolve(current.substring(0, 2)).resolve(current.substring(2, 4))
                    .resolve(current);
            if (!Files.isSymbolicLink(link)) {
                return Optional.empty();
            }
            // ../../PP/QQ/PARENT-GFID/NAME
            Path target = Files.readSymbolicLink(link);
            names.add(target.getFileName().toString());
            current = target.getParent().getFileName().toString();
        }
        return Optional.empty();
    }

    private static Optional<String> xattr(Path dir, String name) {
        try {
            Process getfattr = new ProcessBuilder("getfattr", "--only-values", "-n", name, "--", dir.toString())
                    .redirectErrorStream(false).start();
            String value = new String(getfattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return getfattr.waitFor() == 0 ? Optional.of(value) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The volume names gluster knows. */
    static List<String> volumes(GlusterCli gluster) throws GlusterException {
        return gluster.volumeList();
    }

    private static List<String> volumeProblems(LocalGlusterPool pool, GlusterCli gluster, VolumeInfo volume,
            String brickRoot) throws GlusterException, IOException {
        List<String> problems = new ArrayList<>();
        String name = volume.name();
        Map<String, String> options = volume.options();
        if (!volume.started()) {
            problems.add("volume " + name + " is " + volume.status() + ", not started");
        }
        if (!"glusterfs.converged.io".equals(options.get("user.csi.driver"))) {
            problems.add("volume " + name + " has no driver metadata (half-made): " + volume
                    .optionsWithPrefix("user."));
        }
        if (!brickRoot.equals(options.get("user.csi.brick-root"))) {
            problems.add("volume " + name + " records brick root " + options.get("user.csi.brick-root") + ", its bricks"
                    + " lie under " + brickRoot);
        }
        boolean isPool = "pool".equals(options.get("user.csi.layout"));
        if (!isPool && options.getOrDefault("user.csi.request-name", "").isEmpty()) {
            problems.add("volume " + name + " records no request name");
        }
        if (volume.bricks().size() != volume.replicaCount() || volume.replicaCount() < 1) {
            problems.add("volume " + name + " has " + volume.bricks().size() + " bricks for replica "
                    + volume.replicaCount());
        }
        if (volume.bricks().stream().map(Brick::host).distinct().count() != volume.bricks().size()) {
            problems.add("volume " + name + " has two bricks on one peer: " + volume.bricks());
        }
        for (Brick brick : volume.bricks()) {
            Optional<LocalGlusterPool.Peer> peer = pool.peers().stream()
                    .filter(p -> p.address().equals(brick.host())).findFirst();
            if (peer.isEmpty()) {
                problems.add("volume " + name + " has a brick on unknown host " + brick.host());
                continue;
            }
            String expected = peer.get().local(brickRoot + "/" + name + "/brick").toString();
            if (!brick.path().equals(expected)) {
                problems.add("brick " + brick.name() + " of " + name + " is not at " + expected);
            }
            if (!Files.isDirectory(Path.of(brick.path()))) {
                problems.add("brick " + brick.name() + " of " + name + " is missing on disk");
            }
        }
        long capacity;
        try {
            capacity = Long.parseLong(options.getOrDefault("user.csi.capacity-bytes", "-1"));
        } catch (NumberFormatException e) {
            capacity = -1;
        }
        String enforcement = options.getOrDefault("user.csi.quota-enforcement", "(none)");
        String timeouts = options.get("features.soft-timeout") + "/" + options.get("features.hard-timeout");
        String expected = switch (enforcement) {
            case "strict" -> "0/0";
            case "balanced" -> "2/0";
            case "loose" -> "60/5";
            default -> "?";
        };
        if (!timeouts.equals(expected)) {
            problems.add("volume " + name + " records quota enforcement " + enforcement + " but has quota timeouts "
                    + timeouts);
        }
        if (!"on".equals(options.get("features.quota"))) {
            problems.add("volume " + name + " has no quota");
        } else if (isPool) {
            if (volume.started() && !volume.bricks().isEmpty()) {
                Path brick = Path.of(volume.bricks().get(0).path());
                String healState = awaitHealed(gluster, name);
                List<String> found = new ArrayList<>(claimProblems(pool, gluster, name, brick));
                found.addAll(limitProblems(pool, name, brick));
                found.forEach(problem -> problems.add(problem + " [" + healState + "]"));
            }
        } else if (volume.started()) {
            if (!volume.bricks().isEmpty() && Files.isDirectory(Path.of(volume.bricks().get(0).path()))) {
                problems.addAll(contentProblems("volume " + name, Path.of(volume.bricks().get(0).path())));
            }
            Optional<QuotaLimit> limit = gluster.quotaList(name, "/");
            long hard = limit.flatMap(l -> l.hardLimitBytes().isPresent()
                    ? Optional.of(l.hardLimitBytes().getAsLong()) : Optional.empty()).orElse(-1L);
            if (hard != capacity) {
                problems.add("volume " + name + " records capacity " + capacity + " but its quota is " + hard);
            }
        }
        return problems;
    }
}
