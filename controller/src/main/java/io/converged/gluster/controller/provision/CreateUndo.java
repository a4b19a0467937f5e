package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a create leaves behind and what undoes it: the rollback of a create that failed part-way, and
 * the volume directories an earlier attempt left, carved again before gluster sees them.
 */
final class CreateUndo {
    private static final Logger LOG = Logger.getLogger(CreateUndo.class.getName());

    private final TrustedPool trusted;
    private final BrickCarver carver;

    CreateUndo(TrustedPool trusted, BrickCarver carver) {
        this.trusted = trusted;
        this.carver = carver;
    }

    /**
     * Deletes the volume if gluster may have made it, then removes the carves. A volume directory that
     * was there before this call, in a create gluster refused, goes only if it is an empty carve (a crashed
     * call's): it may be a brick onDelete=retain kept, which gluster refuses as part of a volume.
     */
    void rollback(String name, String brickRoot, List<Peer> peers, List<Peer> carved, Set<Peer> found,
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
                if (!(e instanceof GlusterException g && g.is(GlusterException.Kind.VOLUME_NOT_FOUND)
                        && absentOnEveryPeer(peers, name))) {
                    // The volume stays, so its bricks must stay too: the next call for this name finds a
                    // whole volume and finishes it (without its bricks it could never start again).
                    LOG.warning("rollback could not delete volume " + name + ": " + e.getMessage()
                            + "; its bricks are kept and the next call for this name finishes it");
                    return;
                }
                // The create never made it anywhere: the carves are only ours and go.
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
     * Volume directories an earlier call for this name left (a crash, a rollback that kept its bricks
     * while a peer was down) may carry gluster's mark of the volume that call created, which makes
     * gluster refuse them as "already part of a volume" for good. When every peer answers that no
     * volume of this name exists, each one that never held data is removed and carved again, clean.
     * One that holds data (a brick onDelete=retain kept) stays, and gluster's refusal stands.
     */
    void carveAfresh(String name, StorageClassParameters p, List<Peer> peers, Set<Peer> found,
            OptionalInt gid) throws CommandException {
        if (!absentOnEveryPeer(peers, name)) {
            return;
        }
        for (Peer peer : found) {
            String brickRoot = peer.pathOnPeer(p.brickRoot());
            if (carver.removeIfUnused(peer.runner(), brickRoot, name)) {
                carver.carve(peer.runner(), brickRoot, name, gid);
                LOG.info("volume " + name + ": carved the brick on " + peer.name() + " again; an earlier call"
                        + " had left it unused");
            }
        }
    }

    /**
     * Whether every peer answers that it has no volume of that name. One glusterd's "does not exist"
     * is not enough: a glusterd that has just restarted may not have caught up with its pool yet.
     */
    static boolean absentOnEveryPeer(List<Peer> peers, String name) {
        for (Peer peer : peers) {
            try {
                if (peer.gluster().volumeInfo(name).isPresent()) {
                    return false;
                }
            } catch (GlusterException e) {
                return false;
            }
        }
        return true;
    }
}
