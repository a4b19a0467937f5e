package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeLayout;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.placement.Candidate;
import io.converged.gluster.controller.placement.Placement;
import io.converged.gluster.controller.placement.PlacementException;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;
import java.util.logging.Logger;

/**
 * Creating a dedicated volume: bricks carved on the placed peers, a replica volume created from
 * them, the driver's metadata, start, quota, limit. A call that fails part-way undoes what it did;
 * a volume of the same name that exists is adopted (finished if a crash left it half-made, returned
 * if whole, ALREADY_EXISTS if it is another request's or differs).
 */
public final class VolumeCreator {
    private static final Logger LOG = Logger.getLogger(VolumeCreator.class.getName());
    static final String ROOT = "/";

    private final TrustedPool trusted;
    private final BrickCarver carver;
    private final VolumeRemover remover;
    private final Step.Listener listener;
    /** GIDs are chosen by looking at the volumes that exist: one choice (until recorded) at a time. */
    private final Lock gids;
    private final CreateUndo undo;
    private final VolumeFinish finishing;

    /**
     * @param remover removes a volume a crash left without metadata, and unused carves
     * @param gids held from choosing a volume's GID until the volume records it
     */
    public VolumeCreator(TrustedPool trusted, BrickCarver carver, VolumeRemover remover, Step.Listener listener,
            Lock gids) {
        this.trusted = trusted;
        this.carver = carver;
        this.remover = remover;
        this.listener = listener;
        this.gids = gids;
        this.undo = new CreateUndo(trusted, carver);
        this.finishing = new VolumeFinish(listener);
    }

    /** Creates the dedicated volume of a claim, or returns it when it already exists as asked. */
    public ProvisionedVolume create(VolumeRequest request) throws CsiException {
        return create(request, false);
    }

    /**
     * Creates the dedicated volume of a claim that a copy fills before CreateVolume answers it: recorded as
     * filling ({@code user.csi.filling}), without its limit (gluster checks a limit on every write of the
     * copy); {@link #create} of the same request, once the copy is done, sets the limit and records it filled.
     * A volume already made answers as create does, except that one still filling stays without its limit.
     */
    public ProvisionedVolume createToFill(VolumeRequest request) throws CsiException {
        return create(request, true);
    }

    private ProvisionedVolume create(VolumeRequest request, boolean toFill) throws CsiException {
        StorageClassParameters p = request.parameters();
        Map<String, String> metadata = new LinkedHashMap<>();
        OptionalLong limit = OptionalLong.of(request.capacityBytes());
        Found found = find(new Blueprint(request.volumeName(), p, metadata, limit, false));
        if (found.existing().isPresent()) {
            VolumeInfo info = found.existing().get();
            adoptDedicated(info, request);
            boolean filling = VolumeMetadata.filling(info.options());
            finishing.finish(found.cli(), request.volumeName(), filling && toFill ? OptionalLong.empty() : limit,
                    info);
            if (filling && !toFill) {
                try {
                    found.cli().setOptions(info.name(), VolumeMetadata.recordFilling(false));
                } catch (GlusterException e) {
                    throw CsiException.during("finishing volume " + info.name(), e);
                }
                LOG.info("volume " + info.name() + " is filled and has its limit of " + request.capacityBytes()
                        + " bytes");
            }
            return ProvisionedVolume.of(info);
        }
        Blueprint blueprint = new Blueprint(request.volumeName(), p, metadata, toFill ? OptionalLong.empty() : limit,
                false);
        List<Peer> chosen = place(found.peers(), p, request.capacityBytes(), TrustedPool.await(found.candidates()));
        if (toFill) {
            metadata.putAll(VolumeMetadata.recordFilling(true));
        }
        if (!p.allocatesGid()) {
            metadata.putAll(VolumeMetadata.forNewVolume(request, OptionalInt.empty()));
            build(blueprint, found.peers(), chosen, OptionalInt.empty());
        } else {
            gids.lock();
            try {
                OptionalInt gid = OptionalInt.of(allocateGid(found.peers(), p));
                metadata.putAll(VolumeMetadata.forNewVolume(request, gid));
                build(blueprint, found.peers(), chosen, gid);
            } finally {
                gids.unlock();
            }
        }
        return new ProvisionedVolume(request.volumeName(), request.requestName(), request.capacityBytes(),
                p.replica(), p.arbiter(), bricksOf(chosen, p.brickRoot(), request.volumeName()), p.brickRoot(),
                VolumeMetadata.gid(metadata), p.onDelete(), p.pvcName(), p.pvcNamespace(), true, Optional.empty(),
                p.volumeOptions());
    }

    /**
     * Creates the shared pool the class names, or finishes and returns it when it exists and agrees
     * with the class; a class that contradicts it is INVALID_ARGUMENT naming the difference.
     *
     * @param bytesToPlace room each brick needs at least: the claim that asks for the pool
     * @return the pool as gluster describes it now
     */
    public VolumeInfo ensurePool(String name, StorageClassParameters parameters, long bytesToPlace)
            throws CsiException {
        Blueprint blueprint = new Blueprint(name, parameters, VolumeMetadata.forNewPool(parameters),
                OptionalLong.empty(), true);
        Found found = find(blueprint);
        if (found.existing().isPresent()) {
            VolumeInfo info = found.existing().get();
            List<String> differences = Differences.ofPool(info, parameters);
            if (!differences.isEmpty()) {
                throw CsiException.invalidArgument("the StorageClass does not agree with shared pool " + name
                        + ": " + String.join("; ", differences));
            }
            if (finishing.finish(found.cli(), name, blueprint.rootLimit(), info)) {
                return trusted.ownPool(found.peers(), name);
            }
            return info;
        }
        List<Peer> chosen = place(found.peers(), parameters, bytesToPlace, TrustedPool.await(found.candidates()));
        build(blueprint, found.peers(), chosen, OptionalInt.empty());
        LOG.info("shared pool " + name + " is ready for claims");
        return trusted.ownPool(found.peers(), name);
    }

    /**
     * What to build: a gluster volume of the class's layout, its metadata and volume options (the
     * quota timeouts of its {@link QuotaEnforcement} among them), and a limit on its root (a
     * dedicated volume; a pool's limits are on its directories).
     */
    private record Blueprint(String name, StorageClassParameters parameters, Map<String, String> metadata,
            OptionalLong rootLimit, boolean pool) {
    }

    /**
     * The peers, placement's answers under way, and the volume of that name if one exists that this
     * call may finish (null cli when it does not). A crash's half-made volume (no metadata, carved by
     * us) is removed here, so the caller builds anew.
     */
    private record Found(List<Peer> peers, Future<List<Candidate>> candidates, Optional<VolumeInfo> existing,
            GlusterCli cli) {
    }

    private Found find(Blueprint blueprint) throws CsiException {
        List<Peer> peers = trusted.peers();
        // Placement's pool list and free-space checks run meanwhile: each gluster CLI call costs about
        // 0.1 s, and a new volume (the common case) needs both answers.
        Future<List<Candidate>> candidates = trusted.candidatesMeanwhile(peers, blueprint.parameters().brickRoot());
        TrustedPool.Answer<Optional<VolumeInfo>> answer;
        try {
            answer = trusted.volume(peers, blueprint.name());
        } catch (CsiException e) {
            candidates.cancel(true);
            throw e;
        }
        Optional<VolumeInfo> existing = answer.value();
        if (existing.isPresent() && !VolumeMetadata.ours(existing.get().options())) {
            VolumeInfo info = existing.get();
            if (!VolumeRemover.carvedByUs(info)) {
                candidates.cancel(true);
                throw CsiException.alreadyExists("a gluster volume named " + info.name()
                        + " exists that this driver did not create; choose another "
                        + (blueprint.pool() ? "pool name" : "volumeNamePrefix"));
            }
            LOG.warning("volume " + info.name() + " was left half-made (no metadata); removing it to create it anew");
            remover.remove(info, peers, OnDelete.DELETE, answer.peer().gluster());
            existing = Optional.empty();
        } else if (existing.isPresent() && VolumeMetadata.pool(existing.get().options()) != blueprint.pool()) {
            candidates.cancel(true);
            throw CsiException.alreadyExists(blueprint.pool()
                    ? "a dedicated volume of this driver is named " + blueprint.name() + "; choose another pool name"
                    : "a shared pool is named " + blueprint.name() + "; choose another volumeNamePrefix");
        }
        if (existing.isPresent()) {
            candidates.cancel(true);
        }
        return new Found(peers, candidates, existing, answer.peer().gluster());
    }

    private void build(Blueprint blueprint, List<Peer> peers, List<Peer> chosen, OptionalInt gid)
            throws CsiException {
        String name = blueprint.name();
        StorageClassParameters p = blueprint.parameters();
        List<Peer> carved = new ArrayList<>();
        // Peers where the volume directory was there before this call: not made by it.
        Set<Peer> found = new HashSet<>();
        boolean created = false;
        try {
            for (Peer peer : chosen) {
                if (carver.carve(peer.runner(), peer.pathOnPeer(p.brickRoot()), name, gid)) {
                    found.add(peer);
                }
                carved.add(peer);
            }
            if (!found.isEmpty()) {
                undo.carveAfresh(name, p, peers, found, gid);
                remover.releaseUnusedCarves(peers.stream().filter(peer -> !chosen.contains(peer)).toList(),
                        p.brickRoot(), name);
            }
            listener.completed(Step.BRICKS_CARVED, name);
            List<String> bricks = chosen.stream()
                    .map(peer -> peer.brick(BrickCarver.brickDir(p.brickRoot(), name))).toList();
            VolumeLayout layout = p.arbiter() ? VolumeLayout.arbiter(name, bricks, true)
                    : VolumeLayout.replica(name, bricks, true);
            GlusterCli cli = chosen.get(0).gluster();
            try {
                cli.createVolume(layout);
            } catch (GlusterException e) {
                // A create that failed part-way through the pool (a peer died mid-commit) may exist on some peers:
                // the rollback deletes it too. A definite refusal (name or brick taken) created nothing of ours.
                created = !e.is(GlusterException.Kind.VOLUME_EXISTS) && !e.is(GlusterException.Kind.BRICK_IN_USE);
                if (e.is(GlusterException.Kind.VOLUME_EXISTS)) {
                    // The peer asked first answered that no such volume exists: the pool disagrees with itself
                    // (a glusterd back from a restart, a volume it brought back). The retry sees the pool agreed.
                    throw CsiException.unavailable("gluster's peers disagree whether volume " + name + " exists: "
                            + e.getMessage(), e);
                }
                throw e;
            }
            created = true;
            listener.completed(Step.VOLUME_CREATED, name);
            Map<String, String> options = new LinkedHashMap<>(blueprint.metadata());
            options.putAll(p.volumeOptions());
            gid.ifPresent(g -> options.put("storage.owner-gid", Integer.toString(g)));
            cli.setOptions(name, options);
            listener.completed(Step.METADATA_SET, name);
            finishing.finish(cli, name, blueprint.rootLimit(), null);
            LOG.info("created " + (blueprint.pool() ? "shared pool " : "volume ") + name + " (replica "
                    + p.replica() + (p.arbiter() ? " arbiter 1" : "") + blueprint.rootLimit().stream()
                    .mapToObj(bytes -> ", " + bytes + " bytes").findFirst().orElse("") + ") on " + bricks);
        } catch (Exception failure) {
            undo.rollback(name, p.brickRoot(), peers, carved, found, created, failure);
            throw CsiException.during("creating " + (blueprint.pool() ? "shared pool " : "volume ") + name, failure);
        }
    }

    /**
     * Whether a pool is as {@link #ensurePool} leaves it: started, quota on, its enforcement recorded
     * and its quota timeouts set.
     */
    public static boolean poolFinished(VolumeInfo pool) {
        Map<String, String> options = pool.options();
        return pool.started() && "on".equals(options.get("features.quota"))
                && options.containsKey(VolumeMetadata.QUOTA_ENFORCEMENT)
                && VolumeMetadata.quotaEnforcement(options).setOn(options);
    }

    /**
     * A dedicated volume of the requested name exists: if it is another request's or differs, it is
     * ALREADY_EXISTS; otherwise the caller finishes and returns it.
     */
    private static void adoptDedicated(VolumeInfo info, VolumeRequest request) throws CsiException {
        Map<String, String> options = info.options();
        String name = info.name();
        if (!VolumeMetadata.madeFor(options, request.requestName())) {
            throw CsiException.alreadyExists("volume " + name + " belongs to another request ("
                    + VolumeMetadata.requestName(options) + ")");
        }
        List<String> differences = Differences.ofDedicated(info, request);
        if (!differences.isEmpty()) {
            throw CsiException.alreadyExists("volume " + name
                    + " already exists for this request with other parameters: " + String.join("; ", differences));
        }
    }

    /**
     * The peers for the volume's bricks. A placement that fails only because peers are down (with
     * them up it would fit) is UNAVAILABLE, worth retrying; a pool too small or too full is
     * RESOURCE_EXHAUSTED.
     */
    private static List<Peer> place(List<Peer> peers, StorageClassParameters p, long bytes,
            List<Candidate> candidates) throws CsiException {
        try {
            List<Candidate> chosen = Placement.choose(candidates, p.replica(), bytes, p.spread().zonesRequired());
            List<Peer> result = new ArrayList<>();
            for (Candidate c : chosen) {
                peers.stream().filter(peer -> peer.name().equals(c.peer())).findFirst().ifPresent(result::add);
            }
            return result;
        } catch (PlacementException e) {
            if (wouldFitWithAllPeersUp(candidates, p, bytes)) {
                throw CsiException.unavailable(e.getMessage()
                        + " (enough peers for this volume are in the pool, but some do not answer now)", e);
            }
            throw CsiException.exhausted(e.getMessage());
        }
    }

    /** True when only peers that are down stand in the way: with them up (room taken as ample) it would fit. */
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

    private int allocateGid(List<Peer> peers, StorageClassParameters p) throws CsiException {
        return Gids.lowestFree(Gids.ofDedicated(trusted.allVolumes(peers)), p);
    }

    private static List<ProvisionedVolume.Brick> bricksOf(List<Peer> peers, String brickRoot, String name) {
        return peers.stream().map(peer -> new ProvisionedVolume.Brick(peer.address(),
                peer.pathOnPeer(BrickCarver.brickDir(brickRoot, name)))).toList();
    }
}
