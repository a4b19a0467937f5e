package io.converged.gluster.node.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Healing of one staged volume's mounts, for {@link VolumeMounts}: a staging mount whose FUSE client
 * died (or that vanished) is mounted again from its stage record, and the recorded targets are bound
 * to it again; a dead client is reported to {@link DeadClients} with the targets still on it.
 */
final class MountHealing {
    /** How many mounts stacked at one path are taken off before giving up. */
    static final int MAX_STACKED = 5;

    private final Mounter mounter;
    private final StageRecords records;
    private final DeadClients deadClients;

    MountHealing(Mounter mounter, StageRecords records, DeadClients deadClients) {
        this.mounter = mounter;
        this.records = records;
        this.deadClients = deadClients;
    }

    /**
     * Makes a staged volume whole again: remounts the staging path when its FUSE client is dead or
     * the mount is gone, then re-binds every recorded target that no longer shows the live mount.
     * Targets whose directory vanished are forgotten. A dead client is reported to {@link DeadClients}
     * with the targets still on its mount. Does nothing to a healthy volume.
     */
    VolumeMounts.HealReport heal(StageRecord record) throws MountException {
        Path staging = record.stagingPath();
        boolean remounted = false;
        Optional<MountPoint> staged = mounter.mounts().at(staging);
        boolean dead = staged.isPresent() && !alive(staging);
        if (dead) {
            deadClients.died(record, targetsOnDeadMount(record));
        }
        for (int i = 0; i < MAX_STACKED && dead; i++) {
            mounter.unmountGluster(staging);
            staged = mounter.mounts().at(staging);
            dead = staged.isPresent() && !alive(staging);
        }
        if (staged.isEmpty()) {
            mountGluster(record.mount(), staging);
            remounted = true;
            staged = mounter.mounts().at(staging);
        }
        if (staged.isEmpty() || !staged.get().isGluster()) {
            throw new MountException(MountException.Reason.FAILED, "cannot heal volume " + record.volumeId() + ": "
                    + staging + " is not a gluster mount after remounting");
        }
        return rebindTargets(record, staged.get(), remounted);
    }

    /** The recorded targets whose mount fails with "not connected": binds of the dead staging mount. */
    private List<Path> targetsOnDeadMount(StageRecord record) throws MountException {
        MountTable table = mounter.mounts();
        List<Path> dead = new ArrayList<>();
        for (Path target : record.targets().keySet()) {
            if (table.at(target).isPresent()) {
                try {
                    mounter.probe(target);
                } catch (MountException e) {
                    if (e.reason() == MountException.Reason.NOT_CONNECTED) {
                        dead.add(target);
                    }
                }
            }
        }
        return dead;
    }

    private VolumeMounts.HealReport rebindTargets(StageRecord record, MountPoint staged, boolean remounted)
            throws MountException {
        MountTable table = mounter.mounts();
        List<Path> rebound = new ArrayList<>();
        List<Path> dropped = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<Path, Boolean> entry : record.targets().entrySet()) {
            Path target = entry.getKey();
            Optional<MountPoint> current = table.at(target);
            if (current.isPresent() && current.get().sameFilesystemAs(staged)) {
                continue;
            }
            try {
                if (current.isPresent()) {
                    unmountStaleBind(current.get(), staged, target);
                }
                if (Files.isDirectory(target)) {
                    mounter.bind(record.stagingPath(), target, entry.getValue());
                    rebound.add(target);
                } else {
                    dropped.add(target);
                }
            } catch (MountException e) {
                failures.add(e.getMessage());
            }
        }
        StageRecord updated = record;
        for (Path target : dropped) {
            updated = updated.withoutTarget(target);
        }
        if (!dropped.isEmpty()) {
            records.save(updated);
        }
        if (!failures.isEmpty()) {
            throw new MountException(MountException.Reason.FAILED, "volume " + record.volumeId()
                    + ": cannot re-bind targets: " + String.join("; ", failures));
        }
        return new VolumeMounts.HealReport(record.volumeId(), remounted, rebound, dropped);
    }

    /** False when the FUSE client behind the path is dead; other failures are thrown. */
    boolean alive(Path path) throws MountException {
        try {
            mounter.probe(path);
            return true;
        } catch (MountException e) {
            if (e.reason() == MountException.Reason.NOT_CONNECTED) {
                return false;
            }
            throw e;
        }
    }

    /** Unmounts a bind of the same volume whose FUSE client died; anything else at the target is a conflict. */
    void unmountStaleBind(MountPoint existing, MountPoint staged, Path target) throws MountException {
        boolean sameVolume = existing.isGluster() && existing.glusterPath().equals(staged.glusterPath());
        if (!sameVolume || alive(target)) {
            throw new MountException(MountException.Reason.CONFLICT, target + " already holds another mount: "
                    + existing.source() + " (" + existing.fsType() + ")");
        }
        mounter.unmount(target);
    }

    /** FUSE-mounts the volume at the staging path, its directory and its log's made first. */
    void mountGluster(GlusterMount mount, Path staging) throws MountException {
        createDirectories(staging);
        createDirectories(mount.logFile().getParent());
        mounter.mountGluster(mount, staging);
    }

    static void createDirectories(Path path) throws MountException {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new MountException(MountException.Reason.FAILED, "cannot create " + path + ": " + e.getMessage(), e);
        }
    }
}
