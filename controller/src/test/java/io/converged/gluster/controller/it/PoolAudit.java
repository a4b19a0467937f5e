package io.converged.gluster.controller.it;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A consistency check over gluster and every peer's brick root, as the reliability suite's "what
 * was lost or leaked" measure: every brick directory belongs to a volume brick on that peer, every
 * volume is whole (started, its bricks on distinct peers and on disk, quota on and equal to its
 * recorded capacity) and its {@code user.csi.*} metadata agrees with the volume.
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

    /** The volume names gluster knows. */
    static List<String> volumes(GlusterCli gluster) throws GlusterException {
        return gluster.volumeList();
    }

    private static List<String> volumeProblems(LocalGlusterPool pool, GlusterCli gluster, VolumeInfo volume,
            String brickRoot) throws GlusterException {
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
        if (options.getOrDefault("user.csi.request-name", "").isEmpty()) {
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
        if (!"on".equals(options.get("features.quota"))) {
            problems.add("volume " + name + " has no quota");
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
