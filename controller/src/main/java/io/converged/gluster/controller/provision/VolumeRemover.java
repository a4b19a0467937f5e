package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.logging.Logger;

/**
 * Removing a dedicated volume: stop it, release its bricks as its {@code onDelete} says, then
 * delete it from gluster. Until the last step gluster still lists every brick, so a call that dies
 * or cannot reach a brick's peer is finished by the next DeleteVolume and nothing is left
 * unrecorded. A volume gluster never knew may still have empty bricks a crashed CreateVolume
 * carved; those are swept.
 */
public final class VolumeRemover {
    private static final Logger LOG = Logger.getLogger(VolumeRemover.class.getName());

    private final TrustedPool trusted;
    private final BrickCarver carver;
    private final Step.Listener listener;
    /** Where DeleteVolume looks for bricks a crashed CreateVolume carved before gluster knew them. */
    private final List<String> allowedBrickRoots;
    /** Volume stops, one at a time (see {@link #remove}). */
    private final Lock stops;

    /**
     * @param allowedBrickRoots the controller's {@code --allowed-brick-roots}: every brick this
     *     driver carves lies below one of them
     * @param stops held around each {@code volume stop}
     */
    public VolumeRemover(TrustedPool trusted, BrickCarver carver, Step.Listener listener,
            List<String> allowedBrickRoots, Lock stops) {
        this.trusted = trusted;
        this.carver = carver;
        this.listener = listener;
        this.allowedBrickRoots = List.copyOf(allowedBrickRoots);
        this.stops = stops;
    }

    /** Deletes the volume if it is there; a volume that is gone leaves only its unused carves to sweep. */
    public void delete(String volumeId) throws CsiException {
        List<Peer> peers = trusted.peers();
        TrustedPool.Answer<Optional<VolumeInfo>> found = trusted.volume(peers, volumeId);
        Optional<VolumeInfo> info = found.value();
        if (info.isEmpty()) {
            sweepUnusedCarves(peers, volumeId);
            return;
        }
        if (VolumeMetadata.pool(info.get().options())) {
            LOG.info("volume id " + volumeId + " names a shared pool, not a dedicated volume: nothing to delete");
            return;
        }
        if (!VolumeMetadata.ours(info.get().options()) && !carvedByUs(info.get())) {
            throw CsiException.failedPrecondition("volume " + volumeId
                    + " was not created by this driver; refusing to delete it");
        }
        remove(info.get(), peers, VolumeMetadata.onDelete(info.get().options()), found.peer().gluster());
    }

    /** True when every brick of the volume is at {@code .../<volume>/brick}, the way this driver carves. */
    static boolean carvedByUs(VolumeInfo info) {
        return !info.bricks().isEmpty()
                && info.bricks().stream().allMatch(b -> b.path().endsWith("/" + info.name() + "/brick"));
    }

    /** Stop, release the bricks, then delete the volume from gluster, each step only if not done yet. */
    void remove(VolumeInfo info, List<Peer> peers, OnDelete onDelete, GlusterCli cli) throws CsiException {
        String name = info.name();
        try {
            if (info.started()) {
                stop(cli, name);
            }
            listener.completed(Step.STOPPED, name);
            // Bricks first, while gluster still lists them: a crash or a peer that cannot be reached
            // leaves the (stopped) volume in gluster, and the retried call finds the bricks to release.
            releaseBricks(info, peers, onDelete);
            listener.completed(Step.BRICKS_RELEASED, name);
            try {
                cli.deleteVolume(name);
            } catch (GlusterException e) {
                if (!e.is(GlusterException.Kind.VOLUME_NOT_FOUND)) {
                    throw e;
                }
            }
            listener.completed(Step.DELETED, name);
        } catch (Exception e) {
            throw CsiException.during("deleting volume " + name, e);
        }
    }

    /**
     * glusterd runs stops one after another anyway; with brick multiplexing, stops sent together
     * fail ("Failed to send detach request"), so this controller sends one at a time.
     */
    private void stop(GlusterCli cli, String name) throws GlusterException {
        stops.lock();
        try {
            cli.stopVolume(name, false);
        } catch (GlusterException e) {
            if (e.is(GlusterException.Kind.NOT_STARTED)) {
                LOG.fine("volume " + name + " was already stopped");
            } else {
                LOG.info("plain stop of " + name + " failed (" + e.getMessage() + "); forcing");
                cli.stopVolume(name, true);
            }
        } finally {
            stops.unlock();
        }
    }

    /**
     * Removes, archives or keeps the bricks. A brick whose peer cannot be reached or whose directory
     * cannot be released fails the call as UNAVAILABLE after the others are done, so the volume stays
     * in gluster (stopped) as the record of what is left, and the retried DeleteVolume finishes it.
     */
    private void releaseBricks(VolumeInfo info, List<Peer> peers, OnDelete onDelete) throws CsiException {
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
            throw CsiException.unavailable("volume " + info.name()
                    + " is stopped but kept in gluster until these bricks can be released; retry: "
                    + String.join("; ", left));
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
    void releaseUnusedCarves(List<Peer> others, String brickRoot, String volume) {
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
}
