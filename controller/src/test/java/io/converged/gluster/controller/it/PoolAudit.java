package io.converged.gluster.controller.it;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
 * capacity; every volume has the quota timeouts of its recorded enforcement, every directory of it is a recorded claim
 * with its limit equal to the recorded capacity (or, retained, without one), and nothing moved aside
 * keeps a limit. The pool's directories are read from its first brick (read only: a test's audit,
 * never the driver's way in).
 */
final class PoolAudit {
    private PoolAudit() {
    }

    /** What the audit found, in words; empty when the pool is consistent. */
    static List<String> problems(LocalGlusterPool pool, GlusterCli gluster, String brickRoot)
            throws GlusterException, IOException {
        List<String> problems = new ArrayList<>();
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
    static List<String> claimProblems(GlusterCli gluster, String pool, Path brick)
            throws GlusterException, IOException {
        List<String> problems = new ArrayList<>();
        for (Path entry : list(brick)) {
            String dir = entry.getFileName().toString();
            if (dir.startsWith(".glusterfs") || dir.equals(".trashcan")) {
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
            Optional<String> record = xattr(entry, "user.csi.claim");
            if (record.isEmpty()) {
                problems.add("pool " + pool + ": directory " + dir + " is not a recorded claim");
                continue;
            }
            boolean retained = record.get().contains("state=retained");
            long recorded = Long.parseLong(record.get().replaceAll(".*capacity=([0-9]+).*", "$1"));
            Optional<QuotaLimit> limit = gluster.quotaList(pool, "/" + dir);
            long hard = limit.flatMap(l -> l.hardLimitBytes().isPresent()
                    ? Optional.of(l.hardLimitBytes().getAsLong()) : Optional.empty()).orElse(-1L);
            if (retained && limitSet(entry)) {
                problems.add("pool " + pool + ": retained directory " + dir + " still has a limit");
            } else if (!retained && hard != recorded) {
                problems.add("pool " + pool + ": claim " + dir + " records " + recorded + " bytes, its limit is "
                        + hard);
            }
        }
        return problems;
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

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static boolean limitSet(Path dir) {
        return xattr(dir, "trusted.glusterfs.quota.limit-set").isPresent();
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
                problems.addAll(claimProblems(gluster, name, Path.of(volume.bricks().get(0).path())));
            }
        } else if (volume.started()) {
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
