package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeLayout;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.placement.Candidate;
import io.converged.gluster.controller.placement.Placement;
import io.converged.gluster.controller.placement.PlacementException;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;
import java.util.logging.Level;
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
    }

    /** Creates the volume, or returns it when it already exists as asked. */
    public ProvisionedVolume create(VolumeRequest request) throws CsiException {
        List<Peer> peers = trusted.peers();
        // Placement's pool list and free-space checks run meanwhile: each gluster CLI call costs about
        // 0.1 s, and a new volume (the common case) needs both answers.
        Future<List<Candidate>> candidates = trusted.candidatesMeanwhile(peers, request.parameters().brickRoot());
        TrustedPool.Answer<Optional<VolumeInfo>> existing;
        try {
            existing = trusted.volume(peers, request.volumeName());
        } catch (CsiException e) {
            candidates.cancel(true);
            throw e;
        }
        if (existing.value().isPresent()) {
            Optional<ProvisionedVolume> finished = adopt(existing.value().get(), request, peers,
                    existing.peer().gluster());
            if (finished.isPresent()) {
                return finished.get();
            }
        }
        List<Peer> chosen = place(peers, request.parameters(), request.capacityBytes(),
                TrustedPool.await(candidates));
        if (!request.parameters().allocatesGid()) {
            return build(request, peers, chosen, OptionalInt.empty());
        }
        gids.lock();
        try {
            return build(request, peers, chosen, OptionalInt.of(allocateGid(peers, request.parameters())));
        } finally {
            gids.unlock();
        }
    }

    private ProvisionedVolume build(VolumeRequest request, List<Peer> peers, List<Peer> chosen, OptionalInt gid)
            throws CsiException {
        String name = request.volumeName();
        StorageClassParameters p = request.parameters();
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
                throw e;
            }
            created = true;
            listener.completed(Step.VOLUME_CREATED, name);
            Map<String, String> options = new LinkedHashMap<>(VolumeMetadata.forNewVolume(request, gid));
            options.putAll(p.volumeOptions());
            gid.ifPresent(g -> options.put("storage.owner-gid", Integer.toString(g)));
            cli.setOptions(name, options);
            listener.completed(Step.METADATA_SET, name);
            finish(cli, name, request.capacityBytes(), false, false);
            LOG.info("created volume " + name + " (replica " + p.replica() + (p.arbiter() ? " arbiter 1" : "")
                    + ", " + request.capacityBytes() + " bytes) on " + bricks);
            return new ProvisionedVolume(name, request.requestName(), request.capacityBytes(), p.replica(),
                    p.arbiter(), bricksOf(chosen, p.brickRoot(), name), p.brickRoot(), gid, p.onDelete(),
                    p.pvcName(), p.pvcNamespace(), true);
        } catch (Exception failure) {
            rollback(name, p.brickRoot(), peers, carved, found, created, failure);
            throw CsiException.during("creating volume " + name, failure);
        }
    }

    /** Start, enable quota, set the limit: each only when not done yet, so a retry finishes the job. */
    private void finish(GlusterCli cli, String name, long bytes, boolean started, boolean quotaOn) throws Exception {
        if (!started) {
            cli.startVolume(name, false);
        }
        listener.completed(Step.STARTED, name);
        if (!quotaOn) {
            cli.quotaEnable(name);
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
    private Optional<ProvisionedVolume> adopt(VolumeInfo info, VolumeRequest request, List<Peer> peers,
            GlusterCli cli) throws CsiException {
        Map<String, String> options = info.options();
        String name = info.name();
        if (!VolumeMetadata.ours(options)) {
            if (!VolumeRemover.carvedByUs(info)) {
                throw CsiException.alreadyExists("a gluster volume named " + name
                        + " exists that this driver did not create; choose another volumeNamePrefix");
            }
            LOG.warning("volume " + name + " was left half-made (no metadata); removing it to create it anew");
            remover.remove(info, peers, OnDelete.DELETE, cli);
            return Optional.empty();
        }
        if (!VolumeMetadata.madeFor(options, request.requestName())) {
            throw CsiException.alreadyExists("volume " + name + " belongs to another request ("
                    + VolumeMetadata.requestName(options) + ")");
        }
        List<String> differences = differences(info, request);
        if (!differences.isEmpty()) {
            throw CsiException.alreadyExists("volume " + name
                    + " already exists for this request with other parameters: " + String.join("; ", differences));
        }
        try {
            finish(cli, name, VolumeMetadata.capacity(options), info.started(),
                    "on".equals(options.get("features.quota")));
        } catch (Exception e) {
            throw CsiException.during("finishing volume " + name, e);
        }
        return Optional.of(ProvisionedVolume.of(info));
    }

    /** How the volume differs from what the request asks for, in words; empty when it matches. */
    private static List<String> differences(VolumeInfo info, VolumeRequest request) {
        StorageClassParameters p = request.parameters();
        long capacity = VolumeMetadata.capacity(info.options());
        List<String> differences = new ArrayList<>();
        if (capacity != request.capacityBytes()) {
            differences.add("capacity " + capacity + " bytes, asked " + request.capacityBytes());
        }
        if (info.replicaCount() != p.replica() || (info.arbiterCount() > 0) != p.arbiter()) {
            differences.add("replica " + info.replicaCount() + (info.arbiterCount() > 0 ? " arbiter 1" : "")
                    + ", asked replica " + p.replica() + (p.arbiter() ? " arbiter 1" : ""));
        }
        String brickRoot = VolumeMetadata.brickRoot(info.options());
        if (!brickRoot.equals(p.brickRoot())) {
            differences.add("brickRoot " + brickRoot + ", asked " + p.brickRoot());
        }
        return differences;
    }

    /**
     * Deletes the volume if gluster may have made it, then removes the carves. A volume directory that
     * was there before this call, in a create gluster refused, goes only if it is an empty carve (a crashed
     * call's): it may be a brick onDelete=retain kept, which gluster refuses as part of a volume.
     */
    private void rollback(String name, String brickRoot, List<Peer> peers, List<Peer> carved, Set<Peer> found,
            boolean created, Exception cause) {
        LOG.warning("rolling back volume " + name + " after: " + cause.getMessage());
        if (created) {
            try {
                GlusterCli cli = trusted.answering(peers);
                try {
                    cli.stopVolume(name, true);
                } catch (GlusterException e) {
                    if (!e.is(GlusterException.Kind.NOT_STARTED)) {
                        LOG.log(Level.FINE, "stop during rollback", e);
                    }
                }
                cli.deleteVolume(name);
            } catch (CsiException e) {
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
                if (!created && found.contains(peer)) {
                    if (!carver.removeIfUnused(peer.runner(), peer.pathOnPeer(brickRoot), name)) {
                        LOG.warning("rollback kept " + brickPath + " on " + peer.name()
                                + ": it was there before this call and is not empty");
                    }
                } else {
                    carver.remove(peer.runner(), brickPath, name);
                }
            } catch (CommandException | RuntimeException e) {
                LOG.warning("rollback could not remove " + brickPath + " on " + peer.name() + ": " + e.getMessage());
            }
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
        Set<Integer> used = new HashSet<>();
        for (VolumeInfo info : trusted.allVolumes(peers)) {
            VolumeMetadata.gid(info.options()).ifPresent(used::add);
        }
        for (int gid = p.gidMin().getAsInt(); gid <= p.gidMax().getAsInt(); gid++) {
            if (!used.contains(gid)) {
                return gid;
            }
        }
        throw CsiException.exhausted("every GID from " + p.gidMin().getAsInt() + " to " + p.gidMax().getAsInt()
                + " is taken by a volume; widen gidMin/gidMax");
    }

    private static List<ProvisionedVolume.Brick> bricksOf(List<Peer> peers, String brickRoot, String name) {
        return peers.stream().map(peer -> new ProvisionedVolume.Brick(peer.address(),
                peer.pathOnPeer(BrickCarver.brickDir(brickRoot, name)))).toList();
    }
}
