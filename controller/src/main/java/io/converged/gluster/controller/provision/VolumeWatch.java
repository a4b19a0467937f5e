package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.HealSummary;
import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeStatus;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * What gluster knows of the driver's volumes, gathered in the background every interval, so a
 * scrape of {@code /metrics} or a ListVolumes never waits on gluster for it: each peer's state, each
 * volume's bricks online, heal backlog and split-brain entries ({@code volume heal V info summary},
 * the one figure gluster gives only volume by volume), and each volume's or claim's quota used and
 * limit. A round costs {@code pool list}, {@code volume info}, {@code volume status all}, then per
 * started replicated volume one heal summary and one {@code quota list} (a pool's claims in one).
 */
public final class VolumeWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VolumeWatch.class.getName());

    /** The claims of a pool (the shared layout reads them from the pool's mount). */
    @FunctionalInterface
    public interface Claims {
        List<ProvisionedVolume> of(VolumeInfo pool) throws CsiException;
    }

    /** A peer as the trusted pool sees it. */
    public record PeerState(String address, boolean connected) {
    }

    /**
     * One gluster volume of the driver (a dedicated volume or a pool).
     *
     * @param heal empty when gluster could not say (volume stopped, not replicated, or the call failed)
     */
    public record VolumeFigures(String glusterVolume, boolean pool, boolean started, int bricks, int bricksOnline,
            List<String> offline, Optional<HealSummary> heal) {
    }

    /** A CSI volume's quota: a dedicated volume's root, or a claim's directory of its pool. */
    public record QuotaFigures(String volumeId, String glusterVolume, OptionalLong usedBytes,
            OptionalLong limitBytes) {
    }

    /** One round's figures, and when it ended. */
    public record Snapshot(Instant at, List<PeerState> peers, List<VolumeFigures> volumes,
            List<QuotaFigures> quotas) {
        public static final Snapshot NONE = new Snapshot(Instant.EPOCH, List.of(), List.of(), List.of());

        public Optional<VolumeFigures> volume(String glusterVolume) {
            return volumes.stream().filter(v -> v.glusterVolume().equals(glusterVolume)).findFirst();
        }
    }

    private final TrustedPool trusted;
    private final Claims claims;
    private final Duration interval;
    private final Clock clock;
    private volatile Snapshot last = Snapshot.NONE;
    private ScheduledExecutorService timer;

    public VolumeWatch(TrustedPool trusted, Claims claims, Duration interval, Clock clock) {
        this.trusted = trusted;
        this.claims = claims;
        this.interval = interval;
        this.clock = clock;
    }

    /** The last round's figures ({@link Snapshot#NONE} before the first one ends). */
    public Snapshot last() {
        return last;
    }

    public Duration interval() {
        return interval;
    }

    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "volume-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::roundQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void roundQuietly() {
        try {
            round();
        } catch (CsiException e) {
            LOG.fine("volume watch: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warning("volume watch failed: " + e);
        }
    }

    /** Gathers the figures now and keeps them as {@link #last}. */
    public Snapshot round() throws CsiException {
        List<Peer> peers = trusted.peers();
        TrustedPool.Answer<List<PoolPeer>> pool = trusted.ask(peers, GlusterCli::poolList);
        List<PeerState> states = new ArrayList<>();
        for (Peer peer : peers) {
            boolean connected = peer.equals(pool.peer())
                    || pool.value().stream().anyMatch(p -> p.knownAs(peer.address()) && p.connected());
            states.add(new PeerState(peer.address(), connected));
        }
        GlusterCli cli = pool.peer().gluster();
        List<VolumeInfo> ours = cli.volumeInfoAll().stream().filter(i -> VolumeMetadata.ours(i.options())).toList();
        Map<String, VolumeStatus> statuses = new HashMap<>();
        if (ours.stream().anyMatch(VolumeInfo::started)) {
            cli.volumeStatusAll().forEach(s -> statuses.put(s.name(), s));
        }
        List<VolumeFigures> volumes = new ArrayList<>();
        List<QuotaFigures> quotas = new ArrayList<>();
        for (VolumeInfo info : ours) {
            boolean isPool = VolumeMetadata.pool(info.options());
            VolumeStatus status = statuses.getOrDefault(info.name(), new VolumeStatus(info.name(), List.of()));
            List<String> offline = info.bricks().stream().filter(b -> !info.started() || !status.online(b))
                    .map(Brick::name).toList();
            volumes.add(new VolumeFigures(info.name(), isPool, info.started(), info.bricks().size(),
                    info.bricks().size() - offline.size(), offline, healOf(cli, info)));
            quotas.addAll(quotasOf(cli, info, isPool));
        }
        Snapshot snapshot = new Snapshot(clock.instant(), states, volumes, quotas);
        last = snapshot;
        return snapshot;
    }

    /** The heal summary of a started replicated volume; empty otherwise or when gluster cannot say. */
    public static Optional<HealSummary> healOf(GlusterCli cli, VolumeInfo info) {
        if (!info.started() || info.replicaCount() < 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(cli.healSummary(info.name()));
        } catch (GlusterException e) {
            LOG.fine("heal summary of " + info.name() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private List<QuotaFigures> quotasOf(GlusterCli cli, VolumeInfo info, boolean isPool) throws CsiException {
        if (!info.started() || !"on".equals(info.options().get("features.quota"))) {
            return List.of();
        }
        Map<String, String> idsByPath = new LinkedHashMap<>();
        if (isPool) {
            if ("Created".equals(info.status())) {
                return List.of();
            }
            for (ProvisionedVolume claim : claims.of(info)) {
                idsByPath.put("/" + claim.directory(), claim.id());
            }
        } else {
            idsByPath.put(VolumeCreator.ROOT, info.name());
        }
        List<QuotaFigures> figures = new ArrayList<>();
        List<String> paths = new ArrayList<>(idsByPath.keySet());
        Map<String, QuotaLimit> shown = new HashMap<>();
        for (int from = 0; from < paths.size(); from += 200) {
            try {
                cli.quotaList(info.name(), paths.subList(from, Math.min(paths.size(), from + 200)))
                        .forEach(l -> shown.put(l.path(), l));
            } catch (GlusterException e) {
                LOG.fine("quota list of " + info.name() + ": " + e.getMessage());
            }
        }
        idsByPath.forEach((path, id) -> {
            QuotaLimit limit = shown.get(path);
            figures.add(new QuotaFigures(id, info.name(), limit == null ? OptionalLong.empty() : limit.usedBytes(),
                    limit == null ? OptionalLong.empty() : limit.hardLimitBytes()));
        });
        return figures;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
