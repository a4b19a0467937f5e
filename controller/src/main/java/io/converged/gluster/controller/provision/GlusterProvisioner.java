package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeStatus;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.peer.PeerDiscoveryException;
import io.converged.gluster.controller.peer.PeerSource;
import io.converged.gluster.controller.placement.Candidate;
import io.converged.gluster.controller.placement.Placement;
import io.converged.gluster.controller.placement.PlacementException;
import io.converged.gluster.csi.exec.CommandException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gluster implementation of the volume backend: bricks carved on the peers, a replica volume
 * created from them, metadata, start, quota. Every call reads gluster afresh; a call that fails
 * part-way undoes what it did; a volume left half-made by a crash is finished (or removed and made
 * anew) by the next call for the same name.
 */
public final class GlusterProvisioner implements VolumeBackend {
    private static final Logger LOG = Logger.getLogger(GlusterProvisioner.class.getName());
    private static final String ROOT = "/";

    private final PeerSource peerSource;
    private final BrickCarver carver;
    private final Step.Listener listener;
    /** Where DeleteVolume looks for bricks a crashed CreateVolume carved before gluster knew them. */
    private final List<String> allowedBrickRoots;
    /** GIDs are chosen by looking at the volumes that exist: one choice (until recorded) at a time. */
    private final ReentrantLock gidLock = new ReentrantLock();
    /** Volume stops, one at a time (see {@link #removeVolume}). */
    private final ReentrantLock stopLock = new ReentrantLock(true);
    /**
     * The {@code pool list} under way, if any: concurrent CreateVolumes share one answer instead of
     * each running the CLI (a burst of creates is bound by the CPU the CLI processes take;
     * BENCHMARKS.md). An answer is never reused once it has arrived, so it is never older than one call.
     */
    private CompletableFuture<Answer<List<PoolPeer>>> poolListUnderWay;
    private final Object poolListLock = new Object();
    /** Asks placement's questions while CreateVolume looks for an existing volume (BENCHMARKS.md). */
    private final ExecutorService lookups = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "placement-lookup");
        thread.setDaemon(true);
        return thread;
    });

    /** With the default brick-root policy (anywhere under /mnt), as {@link StorageClassParameters#parse(Map)}. */
    public GlusterProvisioner(PeerSource peerSource, BrickCarver carver, Step.Listener listener) {
        this(peerSource, carver, listener, List.of("/mnt"));
    }

    /**
     * @param allowedBrickRoots the controller's {@code --allowed-brick-roots}: every brick this
     *     driver carves lies below one of them
     */
    public GlusterProvisioner(PeerSource peerSource, BrickCarver carver, Step.Listener listener,
            List<String> allowedBrickRoots) {
        this.peerSource = peerSource;
        this.carver = carver;
        this.listener = listener;
        this.allowedBrickRoots = List.copyOf(allowedBrickRoots);
    }

    // ---------------------------------------------------------------- create

    @Override
    public Volume create(VolumeSpec spec) throws ProvisionException {
        List<Peer> peers = peers();
        // Placement's pool list and free-space checks run meanwhile: each gluster CLI call costs about
        // 0.1 s, and a new volume (the common case) needs both answers.
        Future<List<Candidate>> candidates = lookups.submit(() -> candidates(peers, spec.parameters().brickRoot()));
        Answer<Optional<VolumeInfo>> existing;
        try {
            existing = askAnyPeer(peers, cli -> cli.volumeInfo(spec.volumeName()));
        } catch (ProvisionException e) {
            candidates.cancel(true);
            throw e;
        }
        if (existing.value().isPresent()) {
            Optional<Volume> finished = adopt(existing.value().get(), spec, peers, existing.peer().gluster());
            if (finished.isPresent()) {
                return finished.get();
            }
        }
        List<Peer> chosen = place(peers, spec.parameters(), spec.capacityBytes(), await(candidates));
        boolean allocatesGid = spec.parameters().allocatesGid();
        if (allocatesGid) {
            gidLock.lock();
        }
        try {
            OptionalInt gid = allocatesGid ? OptionalInt.of(allocateGid(peers, spec.parameters())) : OptionalInt.empty();
            return build(spec, peers, chosen, gid);
        } finally {
            if (allocatesGid) {
                gidLock.unlock();
            }
        }
    }

    private Volume build(VolumeSpec spec, List<Peer> peers, List<Peer> chosen, OptionalInt gid)
            throws ProvisionException {
        String name = spec.volumeName();
        StorageClassParameters p = spec.parameters();
        List<Peer> carved = new ArrayList<>();
        boolean created = false;
        try {
            boolean retry = false;
            for (Peer peer : chosen) {
                retry |= carver.carve(peer.runner(), peer.pathOnPeer(p.brickRoot()), name, gid);
                carved.add(peer);
            }
            if (retry) {
                releaseUnusedCarves(peers.stream().filter(peer -> !chosen.contains(peer)).toList(), p.brickRoot(), name);
            }
            listener.completed(Step.BRICKS_CARVED, name);
            List<String> bricks = chosen.stream()
                    .map(peer -> peer.brick(BrickCarver.brickDir(p.brickRoot(), name))).toList();
            io.converged.gluster.controller.gluster.VolumeSpec layout = p.arbiter()
                    ? io.converged.gluster.controller.gluster.VolumeSpec.arbiter(name, bricks, true)
                    : io.converged.gluster.controller.gluster.VolumeSpec.replica(name, bricks, true);
            GlusterCli cli = chosen.get(0).gluster();
            try {
                cli.createVolume(layout);
            } catch (GlusterException e) {
                // A create that failed part-way through the pool (a peer died mid-commit) may exist on some peers:
                // the rollback deletes it too. A definite refusal (name or brick taken) created nothing of ours.
                created = e.kind() != GlusterException.Kind.VOLUME_EXISTS && e.kind() != GlusterException.Kind.BRICK_IN_USE;
                throw e;
            }
            created = true;
            listener.completed(Step.VOLUME_CREATED, name);
            Map<String, String> options = new LinkedHashMap<>(VolumeMetadata.forNewVolume(spec, gid));
            options.putAll(p.volumeOptions());
            gid.ifPresent(g -> options.put("storage.owner-gid", Integer.toString(g)));
            cli.setOptions(name, options);
            listener.completed(Step.METADATA_SET, name);
            finish(cli, name, spec.capacityBytes(), false, false);
            LOG.info("created volume " + name + " (replica " + p.replica() + (p.arbiter() ? " arbiter 1" : "")
                    + ", " + spec.capacityBytes() + " bytes) on " + bricks);
            return new Volume(name, spec.requestName(), spec.capacityBytes(), p.replica(), p.arbiter(),
                    bricksOf(chosen, p.brickRoot(), name), p.brickRoot(), gid, p.onDelete(), p.pvcName(),
                    p.pvcNamespace(), true);
        } catch (Exception failure) {
            rollback(name, p.brickRoot(), peers, carved, created, failure);
            throw asProvisionException("creating volume " + name, failure);
        }
    }

    /** Start, enable quota, set the limit: each only when not done yet, so a retry finishes the job. */
    private void finish(GlusterCli cli, String name, long bytes, boolean started, boolean quotaOn) throws Exception {
        if (!started) {
            cli.startVolume(name, false);
        }
        listener.completed(Step.STARTED, name);
        if (!quotaOn) {
            try {
                cli.quotaEnable(name);
            } catch (GlusterException e) {
                if (e.kind() != GlusterException.Kind.QUOTA_ALREADY_ENABLED) {
                    throw e;
                }
            }
        }
        listener.completed(Step.QUOTA_ENABLED, name);
        Optional<QuotaLimit> limit = quotaOn ? cli.quotaList(name, ROOT) : Optional.empty();
        if (limit.isEmpty() || limit.get().hardLimitBytes().orElse(-1) != bytes) {
            cli.quotaLimitUsage(name, ROOT, bytes);
        }
        listener.completed(Step.QUOTA_LIMITED, name);
    }

    /**
     * A volume of the requested name exists. If it is this request's and matches, it is finished
     * and returned; if it is another request's or differs, ALREADY_EXISTS; if a crash left it
     * without metadata, it is removed and empty is returned so the caller makes it anew.
     */
    private Optional<Volume> adopt(VolumeInfo info, VolumeSpec spec, List<Peer> peers, GlusterCli cli)
            throws ProvisionException {
        Map<String, String> options = info.options();
        String name = info.name();
        if (!VolumeMetadata.ours(options)) {
            if (!carvedByUs(info)) {
                throw new ProvisionException(ProvisionException.Kind.CONFLICT, "a gluster volume named " + name
                        + " exists that this driver did not create; choose another volumeNamePrefix");
            }
            LOG.warning("volume " + name + " was left half-made (no metadata); removing it to create it anew");
            removeVolume(info, peers, OnDelete.DELETE, cli);
            return Optional.empty();
        }
        if (!VolumeMetadata.madeFor(options, spec.requestName())) {
            throw new ProvisionException(ProvisionException.Kind.CONFLICT, "volume " + name
                    + " belongs to another request (" + VolumeMetadata.requestName(options) + ")");
        }
        StorageClassParameters p = spec.parameters();
        long capacity = VolumeMetadata.capacity(options);
        List<String> differences = new ArrayList<>();
        if (capacity != spec.capacityBytes()) {
            differences.add("capacity " + capacity + " bytes, asked " + spec.capacityBytes());
        }
        if (info.replicaCount() != p.replica() || (info.arbiterCount() > 0) != p.arbiter()) {
            differences.add("replica " + info.replicaCount() + (info.arbiterCount() > 0 ? " arbiter 1" : "")
                    + ", asked replica " + p.replica() + (p.arbiter() ? " arbiter 1" : ""));
        }
        if (!VolumeMetadata.brickRoot(options).equals(p.brickRoot())) {
            differences.add("brickRoot " + VolumeMetadata.brickRoot(options) + ", asked " + p.brickRoot());
        }
        if (!differences.isEmpty()) {
            throw new ProvisionException(ProvisionException.Kind.CONFLICT, "volume " + name
                    + " already exists for this request with other parameters: " + String.join("; ", differences));
        }
        try {
            finish(cli, name, capacity, info.started(), "on".equals(options.get("features.quota")));
        } catch (Exception e) {
            throw asProvisionException("finishing volume " + name, e);
        }
        return Optional.of(toVolume(info));
    }

    /** True when every brick of the volume is at {@code .../<volume>/brick}, the way this driver carves. */
    private static boolean carvedByUs(VolumeInfo info) {
        return !info.bricks().isEmpty()
                && info.bricks().stream().allMatch(b -> b.path().endsWith("/" + info.name() + "/brick"));
    }

    private void rollback(String name, String brickRoot, List<Peer> peers, List<Peer> carved, boolean created,
            Exception cause) {
        LOG.warning("rolling back volume " + name + " after: " + cause.getMessage());
        if (created) {
            try {
                GlusterCli cli = answering(peers);
                try {
                    cli.stopVolume(name, true);
                } catch (GlusterException e) {
                    if (e.kind() != GlusterException.Kind.NOT_STARTED) {
                        LOG.log(Level.FINE, "stop during rollback", e);
                    }
                }
                cli.deleteVolume(name);
            } catch (Exception e) {
                // The volume stays, so its bricks must stay too: the next call for this name finds a
                // whole volume and finishes it (without its bricks it could never start again).
                LOG.warning("rollback could not delete volume " + name + ": " + e.getMessage()
                        + "; its bricks are kept and the next call for this name finishes it");
                return;
            }
        }
        for (Peer peer : carved) {
            String brickPath = peer.pathOnPeer(BrickCarver.brickDir(brickRoot, name));
            try {
                carver.remove(peer.runner(), brickPath, name);
            } catch (CommandException | RuntimeException e) {
                LOG.warning("rollback could not remove " + brickPath + " on " + peer.name() + ": " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- delete

    @Override
    public void delete(String volumeId) throws ProvisionException {
        List<Peer> peers = peers();
        Answer<Optional<VolumeInfo>> found = askAnyPeer(peers, cli -> cli.volumeInfo(volumeId));
        Optional<VolumeInfo> info = found.value();
        if (info.isEmpty()) {
            sweepUnusedCarves(peers, volumeId);
            return;
        }
        if (!VolumeMetadata.ours(info.get().options()) && !carvedByUs(info.get())) {
            throw new ProvisionException(ProvisionException.Kind.INTERNAL, "volume " + volumeId
                    + " was not created by this driver; refusing to delete it");
        }
        removeVolume(info.get(), peers, VolumeMetadata.onDelete(info.get().options()), found.peer().gluster());
    }

    /**
     * Stop, release the bricks, then delete the volume from gluster: until the last step gluster
     * still lists every brick, so a call that dies or cannot reach a brick's peer is finished by the
     * next DeleteVolume and nothing is left unrecorded.
     */
    private void removeVolume(VolumeInfo info, List<Peer> peers, OnDelete onDelete, GlusterCli cli)
            throws ProvisionException {
        String name = info.name();
        try {
            if (info.started() || "Started".equals(info.status())) {
                // glusterd runs stops one after another anyway; with brick multiplexing, stops sent
                // together fail ("Failed to send detach request"), so this controller sends one at a time.
                stopLock.lock();
                try {
                    cli.stopVolume(name, false);
                } catch (GlusterException e) {
                    if (e.kind() == GlusterException.Kind.NOT_STARTED) {
                        LOG.fine("volume " + name + " was already stopped");
                    } else {
                        LOG.info("plain stop of " + name + " failed (" + e.getMessage() + "); forcing");
                        cli.stopVolume(name, true);
                    }
                } finally {
                    stopLock.unlock();
                }
            }
            listener.completed(Step.STOPPED, name);
            // Bricks first, while gluster still lists them: a crash or a peer that cannot be reached
            // leaves the (stopped) volume in gluster, and the retried call finds the bricks to release.
            releaseBricks(info, peers, onDelete);
            listener.completed(Step.BRICKS_RELEASED, name);
            try {
                cli.deleteVolume(name);
            } catch (GlusterException e) {
                if (e.kind() != GlusterException.Kind.VOLUME_NOT_FOUND) {
                    throw e;
                }
            }
            listener.completed(Step.DELETED, name);
        } catch (Exception e) {
            throw asProvisionException("deleting volume " + name, e);
        }
    }

    /**
     * A CreateVolume that died between carving and {@code volume create} leaves empty brick
     * directories gluster does not know; DeleteVolume of that id (the sidecar's answer to a claim
     * deleted meanwhile) removes them. Only empty ones: a retained brick is never touched.
     */
    private void sweepUnusedCarves(List<Peer> peers, String volume) {
        List<String> removed = new ArrayList<>();
        for (Peer peer : peers) {
            for (String allowed : allowedBrickRoots) {
                try {
                    for (String root : carver.unusedBrickRoots(peer.runner(), peer.pathOnPeer(allowed), volume)) {
                        if (carver.removeIfUnused(peer.runner(), root, volume)) {
                            removed.add(peer.name() + ":" + root + "/" + volume);
                        }
                    }
                } catch (CommandException | RuntimeException e) {
                    LOG.warning("cannot look for unused bricks of " + volume + " under " + allowed + " on "
                            + peer.name() + ": " + e.getMessage());
                }
            }
        }
        if (removed.isEmpty()) {
            LOG.fine("volume " + volume + " is already gone");
        } else {
            LOG.info("volume " + volume + " was never created; removed the unused bricks a crashed call carved: "
                    + removed);
        }
    }

    /** A retried create placed elsewhere: unused bricks the crashed call carved on other peers go. */
    private void releaseUnusedCarves(List<Peer> others, String brickRoot, String volume) {
        for (Peer peer : others) {
            try {
                if (carver.removeIfUnused(peer.runner(), peer.pathOnPeer(brickRoot), volume)) {
                    LOG.info("removed unused brick of " + volume + " that a crashed call carved on " + peer.name());
                }
            } catch (CommandException | RuntimeException e) {
                LOG.warning("cannot check for an unused brick of " + volume + " on " + peer.name() + ": "
                        + e.getMessage());
            }
        }
    }

    /**
     * Removes, archives or keeps the bricks. A brick whose peer cannot be reached or whose directory
     * cannot be released fails the call as UNAVAILABLE after the others are done, so the volume stays
     * in gluster (stopped) as the record of what is left, and the retried DeleteVolume finishes it.
     */
    private void releaseBricks(VolumeInfo info, List<Peer> peers, OnDelete onDelete) throws ProvisionException {
        if (onDelete == OnDelete.RETAIN) {
            LOG.info("volume " + info.name() + ": bricks retained: " + info.bricks().stream().map(Brick::name)
                    .toList());
            return;
        }
        Map<String, Peer> byAddress = new HashMap<>();
        peers.forEach(peer -> byAddress.put(peer.address(), peer));
        List<String> left = new ArrayList<>();
        for (Brick brick : info.bricks()) {
            Peer peer = byAddress.get(brick.host());
            if (peer == null) {
                left.add(brick.name() + " (peer " + brick.host() + " is down or gone)");
                continue;
            }
            try {
                if (onDelete == OnDelete.ARCHIVE) {
                    String target = carver.archive(peer.runner(), brick.path(), info.name());
                    LOG.info("archived brick " + brick.name() + " as " + target);
                } else {
                    carver.remove(peer.runner(), brick.path(), info.name());
                }
            } catch (CommandException | RuntimeException e) {
                left.add(brick.name() + " (" + e.getMessage() + ")");
            }
        }
        if (!left.isEmpty()) {
            throw new ProvisionException(ProvisionException.Kind.UNAVAILABLE, "volume " + info.name()
                    + " is stopped but kept in gluster until these bricks can be released; retry: "
                    + String.join("; ", left));
        }
    }

    // ---------------------------------------------------------------- expand, read

    @Override
    public Volume expand(String volumeId, long bytes) throws ProvisionException {
        List<Peer> peers = peers();
        VolumeInfo info = ownVolume(peers, volumeId);
        long current = VolumeMetadata.capacity(info.options());
        if (bytes < current) {
            throw new ProvisionException(ProvisionException.Kind.OUT_OF_RANGE, "volume " + volumeId + " has "
                    + current + " bytes; shrinking to " + bytes + " is not supported");
        }
        if (bytes == current) {
            return toVolume(info);
        }
        try {
            GlusterCli cli = answering(peers);
            cli.quotaLimitUsage(volumeId, ROOT, bytes);
            cli.setOptions(volumeId, Map.of(VolumeMetadata.CAPACITY, Long.toString(bytes)));
        } catch (Exception e) {
            throw asProvisionException("expanding volume " + volumeId, e);
        }
        LOG.info("expanded volume " + volumeId + " from " + current + " to " + bytes + " bytes");
        return toVolume(ownVolume(peers, volumeId));
    }

    @Override
    public Optional<Volume> find(String volumeId) throws ProvisionException {
        Optional<VolumeInfo> info = onAnyPeer(peers(), cli -> cli.volumeInfo(volumeId));
        return info.filter(i -> VolumeMetadata.ours(i.options())).map(GlusterProvisioner::toVolume);
    }

    @Override
    public List<Volume> list() throws ProvisionException {
        List<VolumeInfo> all = onAnyPeer(peers(), GlusterCli::volumeInfoAll);
        return all.stream().filter(i -> VolumeMetadata.ours(i.options())).map(GlusterProvisioner::toVolume)
                .sorted(java.util.Comparator.comparing(Volume::id)).toList();
    }

    @Override
    public VolumeHealth health(String volumeId) throws ProvisionException {
        List<Peer> peers = peers();
        VolumeInfo info = ownVolume(peers, volumeId);
        if (!info.started()) {
            return new VolumeHealth(true, "volume " + volumeId + " is " + info.status() + ", not started");
        }
        VolumeStatus status = onAnyPeer(peers, cli -> cli.volumeStatus(volumeId));
        return health(info, status);
    }

    @Override
    public Map<String, VolumeHealth> healthOfAll() throws ProvisionException {
        List<Peer> peers = peers();
        List<VolumeInfo> all = onAnyPeer(peers, GlusterCli::volumeInfoAll);
        Map<String, VolumeStatus> statuses = new HashMap<>();
        if (all.stream().anyMatch(VolumeInfo::started)) {
            onAnyPeer(peers, GlusterCli::volumeStatusAll).forEach(s -> statuses.put(s.name(), s));
        }
        Map<String, VolumeHealth> health = new HashMap<>();
        for (VolumeInfo info : all) {
            if (!VolumeMetadata.ours(info.options())) {
                continue;
            }
            health.put(info.name(), info.started()
                    ? health(info, statuses.getOrDefault(info.name(), new VolumeStatus(info.name(), List.of())))
                    : new VolumeHealth(true, "volume " + info.name() + " is " + info.status() + ", not started"));
        }
        return health;
    }

    private static VolumeHealth health(VolumeInfo info, VolumeStatus status) {
        List<String> offline = info.bricks().stream().filter(b -> !status.online(b)).map(Brick::name).toList();
        if (offline.isEmpty()) {
            return VolumeHealth.OK;
        }
        int online = info.bricks().size() - offline.size();
        return new VolumeHealth(true, offline.size() + " of " + info.bricks().size() + " bricks offline: "
                + String.join(", ", offline) + (online == 0 ? "; the volume cannot serve data"
                : "; the volume serves from the remaining replicas"));
    }

    @Override
    public long largestPlaceable(StorageClassParameters parameters) throws ProvisionException {
        List<Peer> peers = peers();
        List<Candidate> candidates = candidates(peers, parameters.brickRoot());
        return Placement.largestPlaceable(candidates, parameters.replica(), parameters.spread().zonesRequired())
                .orElse(0L);
    }

    @Override
    public boolean anyPeerAnswers() {
        try {
            for (Peer peer : peerSource.peers()) {
                try {
                    peer.gluster().poolList();
                    return true;
                } catch (GlusterException e) {
                    LOG.fine("peer " + peer.name() + " does not answer: " + e.getMessage());
                }
            }
        } catch (PeerDiscoveryException e) {
            LOG.fine("no peers: " + e.getMessage());
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers

    private List<Peer> peers() throws ProvisionException {
        try {
            List<Peer> peers = peerSource.peers();
            if (peers.isEmpty()) {
                throw new ProvisionException(ProvisionException.Kind.UNAVAILABLE, "no gluster peers found ("
                        + peerSource.describe() + ")");
            }
            return peers;
        } catch (PeerDiscoveryException e) {
            throw new ProvisionException(ProvisionException.Kind.UNAVAILABLE, "cannot list the gluster peers: "
                    + e.getMessage(), e);
        }
    }

    private VolumeInfo ownVolume(List<Peer> peers, String volumeId) throws ProvisionException {
        Optional<VolumeInfo> info = onAnyPeer(peers, cli -> cli.volumeInfo(volumeId));
        if (info.isEmpty() || !VolumeMetadata.ours(info.get().options())) {
            throw new ProvisionException(ProvisionException.Kind.NOT_FOUND, "volume " + volumeId + " does not exist");
        }
        return info.get();
    }

    /** One gluster call, on the first peer whose glusterd answers. */
    @FunctionalInterface
    private interface GlusterCall<T> {
        T call(GlusterCli cli) throws GlusterException;
    }

    /** A gluster answer and the peer whose glusterd gave it, to send the next commands to without asking around again. */
    private record Answer<T>(Peer peer, T value) {
    }

    private <T> T onAnyPeer(List<Peer> peers, GlusterCall<T> call) throws ProvisionException {
        return askAnyPeer(peers, call).value();
    }

    private <T> Answer<T> askAnyPeer(List<Peer> peers, GlusterCall<T> call) throws ProvisionException {
        GlusterException last = null;
        for (Peer peer : peers) {
            try {
                return new Answer<>(peer, call.call(peer.gluster()));
            } catch (GlusterException e) {
                if (e.kind() != GlusterException.Kind.GLUSTERD_UNREACHABLE) {
                    throw asProvisionException("asking gluster on " + peer.name(), e);
                }
                last = e;
            }
        }
        throw new ProvisionException(ProvisionException.Kind.UNAVAILABLE, "no gluster peer answers"
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private GlusterCli answering(List<Peer> peers) throws ProvisionException {
        return onAnyPeer(peers, cli -> {
            cli.poolList();
            return cli;
        });
    }

    /** Peers that are in the pool and connected, with the room under their brick root. */
    private List<Candidate> candidates(List<Peer> peers, String brickRoot) throws ProvisionException {
        Answer<List<PoolPeer>> pool = sharedPoolList(peers);
        List<Candidate> candidates = new ArrayList<>();
        for (Peer peer : peers) {
            // The peer that answered lists itself as localhost: its own answer says it is up.
            boolean connected = pool.value().stream().anyMatch(p -> p.connected() && p.knownAs(peer.address()))
                    || (peer.name().equals(pool.peer().name()) ? pool.value().stream().anyMatch(PoolPeer::self)
                    : answersAsSelf(peer));
            long free = 0;
            if (connected) {
                try {
                    OptionalLong room = carver.freeBytes(peer.runner(), peer.pathOnPeer(brickRoot));
                    free = room.orElse(0L);
                    if (room.isEmpty()) {
                        LOG.warning("brick root " + brickRoot + " is missing on peer " + peer.name());
                    }
                } catch (CommandException e) {
                    LOG.warning("cannot measure " + brickRoot + " on peer " + peer.name() + ": " + e.getMessage());
                    connected = false;
                }
            }
            candidates.add(new Candidate(peer.name(), peer.zone(), peer.node(), free, connected));
        }
        return candidates;
    }

    /** {@code pool list} from any peer, joining the call another thread has under way if there is one. */
    private Answer<List<PoolPeer>> sharedPoolList(List<Peer> peers) throws ProvisionException {
        CompletableFuture<Answer<List<PoolPeer>>> answer;
        boolean mine = false;
        synchronized (poolListLock) {
            if (poolListUnderWay == null) {
                poolListUnderWay = new CompletableFuture<>();
                mine = true;
            }
            answer = poolListUnderWay;
        }
        if (mine) {
            try {
                answer.complete(askAnyPeer(peers, GlusterCli::poolList));
            } catch (ProvisionException | RuntimeException e) {
                answer.completeExceptionally(e);
            } finally {
                synchronized (poolListLock) {
                    poolListUnderWay = null;
                }
            }
        }
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ProvisionException p) {
                throw p;
            }
            throw e;
        }
    }

    private static boolean answersAsSelf(Peer peer) {
        try {
            return peer.gluster().poolList().stream().anyMatch(PoolPeer::self);
        } catch (GlusterException e) {
            return false;
        }
    }

    private static List<Candidate> await(Future<List<Candidate>> candidates) throws ProvisionException {
        try {
            return candidates.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProvisionException p) {
                throw p;
            }
            throw new ProvisionException(ProvisionException.Kind.INTERNAL, "placing bricks failed: " + e.getCause(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisionException(ProvisionException.Kind.UNAVAILABLE, "interrupted while placing bricks", e);
        }
    }

    private List<Peer> place(List<Peer> peers, StorageClassParameters p, long bytes, List<Candidate> candidates)
            throws ProvisionException {
        try {
            List<Candidate> chosen = Placement.choose(candidates, p.replica(), bytes, p.spread().zonesRequired());
            List<Peer> result = new ArrayList<>();
            for (Candidate c : chosen) {
                peers.stream().filter(peer -> peer.name().equals(c.peer())).findFirst().ifPresent(result::add);
            }
            return result;
        } catch (PlacementException e) {
            if (wouldFitWithAllPeersUp(candidates, p, bytes)) {
                // Peers that are down for now, not a pool too small or too full: worth retrying.
                throw new ProvisionException(ProvisionException.Kind.UNAVAILABLE, e.getMessage()
                        + " (enough peers for this volume are in the pool, but some do not answer now)", e);
            }
            throw new ProvisionException(ProvisionException.Kind.EXHAUSTED, e.getMessage(), e);
        }
    }

    /** True when the placement fails only because peers are down: with them up (room unknown, taken as ample) it would fit. */
    private static boolean wouldFitWithAllPeersUp(List<Candidate> candidates, StorageClassParameters p, long bytes) {
        if (candidates.stream().allMatch(Candidate::up)) {
            return false;
        }
        List<Candidate> allUp = candidates.stream().map(c -> c.up() ? c
                : new Candidate(c.peer(), c.zone(), c.node(), Long.MAX_VALUE, true)).toList();
        try {
            Placement.choose(allUp, p.replica(), bytes, p.spread().zonesRequired());
            return true;
        } catch (PlacementException e) {
            return false;
        }
    }

    private int allocateGid(List<Peer> peers, StorageClassParameters p) throws ProvisionException {
        Set<Integer> used = new HashSet<>();
        for (VolumeInfo info : onAnyPeer(peers, GlusterCli::volumeInfoAll)) {
            VolumeMetadata.gid(info.options()).ifPresent(used::add);
        }
        for (int gid = p.gidMin().getAsInt(); gid <= p.gidMax().getAsInt(); gid++) {
            if (!used.contains(gid)) {
                return gid;
            }
        }
        throw new ProvisionException(ProvisionException.Kind.EXHAUSTED, "every GID from " + p.gidMin().getAsInt()
                + " to " + p.gidMax().getAsInt() + " is taken by a volume; widen gidMin/gidMax");
    }

    private static List<Volume.Brick> bricksOf(List<Peer> peers, String brickRoot, String name) {
        return peers.stream().map(peer -> new Volume.Brick(peer.address(),
                peer.pathOnPeer(BrickCarver.brickDir(brickRoot, name)))).toList();
    }

    static Volume toVolume(VolumeInfo info) {
        Map<String, String> options = info.options();
        List<Volume.Brick> bricks = info.bricks().stream().map(b -> new Volume.Brick(b.host(), b.path())).toList();
        return new Volume(info.name(), VolumeMetadata.requestName(options), VolumeMetadata.capacity(options),
                info.replicaCount(), info.arbiterCount() > 0, bricks, VolumeMetadata.brickRoot(options),
                VolumeMetadata.gid(options), VolumeMetadata.onDelete(options), VolumeMetadata.pvcName(options),
                VolumeMetadata.pvcNamespace(options), info.started());
    }

    private static ProvisionException asProvisionException(String doing, Exception e) {
        if (e instanceof ProvisionException p) {
            return p;
        }
        if (e instanceof GlusterException g) {
            ProvisionException.Kind kind = switch (g.kind()) {
                case GLUSTERD_UNREACHABLE, PEER_NOT_CONNECTED, LOCK_CONTENTION -> ProvisionException.Kind.UNAVAILABLE;
                case VOLUME_NOT_FOUND -> ProvisionException.Kind.NOT_FOUND;
                default -> ProvisionException.Kind.INTERNAL;
            };
            return new ProvisionException(kind, doing + ": " + g.getMessage(), g);
        }
        if (e instanceof CommandException) {
            return new ProvisionException(ProvisionException.Kind.INTERNAL, doing + ": " + e.getMessage(), e);
        }
        return new ProvisionException(ProvisionException.Kind.INTERNAL, doing + " failed: " + e, e);
    }
}
