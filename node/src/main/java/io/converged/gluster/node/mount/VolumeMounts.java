package io.converged.gluster.node.mount;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's volume mounts: stage (FUSE mount at the staging path), publish (bind mounts at the
 * targets), their reverse, usage figures, and healing of mounts whose FUSE client died. Every
 * operation looks at what exists first, so repeating a call is harmless. Callers serialize the
 * calls for one volume; this class holds no state besides the mounts and the records on disk.
 */
public final class VolumeMounts {
    private final Mounter mounter;
    private final StageRecords records;
    private final DeadClients deadClients;
    private final MountHealing healing;

    public VolumeMounts(Mounter mounter, StageRecords records) {
        this(mounter, records, DeadClients.uncounted());
    }

    public VolumeMounts(Mounter mounter, StageRecords records, DeadClients deadClients) {
        this.mounter = mounter;
        this.records = records;
        this.deadClients = deadClients;
        this.healing = new MountHealing(mounter, records, deadClients);
    }

    /** Usage of a volume's mount, and whether it was found abnormal (and why, and what was done). */
    public record Usage(Optional<FsStats> stats, boolean abnormal, String message) {
    }

    /** What healing a staged volume did. */
    public record HealReport(String volumeId, boolean remounted, List<Path> rebound, List<Path> dropped) {
        public boolean changedAnything() {
            return remounted || !rebound.isEmpty() || !dropped.isEmpty();
        }

        public String describe() {
            return (remounted ? "remounted at the staging path" : "staging mount was fine")
                    + (rebound.isEmpty() ? "" : ", re-bound at " + rebound)
                    + (dropped.isEmpty() ? "" : ", forgot vanished targets " + dropped);
        }
    }

    /** FUSE-mounts the volume at the staging path, unless it is there already. */
    public void stage(String volumeId, GlusterMount mount, Path stagingPath) throws MountException {
        Path staging = canonical(stagingPath);
        Optional<StageRecord> known = records.find(volumeId);
        MountTable table = mounter.mounts();
        if (known.isPresent() && !known.get().stagingPath().equals(staging)) {
            if (table.at(known.get().stagingPath()).isPresent()) {
                throw new MountException(MountException.Reason.IN_USE, "volume " + volumeId + " is already staged at "
                        + known.get().stagingPath() + "; unstage it there first");
            }
            records.delete(known.get());
            known = Optional.empty();
        }
        StageRecord wanted = new StageRecord(volumeId, mount, staging,
                known.map(StageRecord::targets).orElse(Map.of()));
        Optional<MountPoint> current = table.at(staging);
        if (current.isPresent()) {
            requireSameVolume(current.get(), mount, staging);
            if (known.isPresent() && !known.get().mount().options().equals(mount.options())) {
                throw new MountException(MountException.Reason.CONFLICT, "volume " + volumeId + " is staged at "
                        + staging + " with mount options [" + known.get().mount().options() + "], not ["
                        + mount.options() + "]");
            }
            saveIfChanged(known, wanted);
            if (!healing.alive(staging)) {
                healing.heal(wanted);
            }
            return;
        }
        healing.mountGluster(mount, staging);
        saveIfChanged(known, wanted);
    }

    private static void requireSameVolume(MountPoint current, GlusterMount mount, Path staging) throws MountException {
        if (!current.isGluster() || !current.glusterPath().equals(mount.path())) {
            throw new MountException(MountException.Reason.CONFLICT, staging + " already holds " + current.source()
                    + " (" + current.fsType() + "), not gluster volume " + mount.path());
        }
    }

    /** Bind-mounts the staged volume at the target (created if missing), read-only when asked. */
    public void publish(String volumeId, Path stagingPath, Path targetPath, boolean readOnly) throws MountException {
        Path staging = canonical(stagingPath);
        Path target = canonical(targetPath);
        Optional<StageRecord> record = records.find(volumeId).filter(r -> r.stagingPath().equals(staging));
        MountTable table = mounter.mounts();
        MountPoint staged = liveStagingMount(volumeId, staging, record, table);
        // The table read above still holds for the target unless healing changed mounts.
        Optional<MountPoint> existing = (table.at(staging).filter(staged::equals).isPresent() ? table
                : mounter.mounts()).at(target);
        if (existing.isPresent()) {
            if (existing.get().sameFilesystemAs(staged)) {
                if (existing.get().readOnly() != readOnly) {
                    throw new MountException(MountException.Reason.CONFLICT, "volume " + volumeId
                            + " is already published at " + target + " " + mode(existing.get().readOnly())
                            + ", not " + mode(readOnly));
                }
                saveTarget(record, target, readOnly);
                return;
            }
            healing.unmountStaleBind(existing.get(), staged, target);
        }
        MountHealing.createDirectories(target);
        mounter.bind(staging, target, readOnly);
        saveTarget(record, target, readOnly);
    }

    private static String mode(boolean readOnly) {
        return readOnly ? "read-only" : "read-write";
    }

    private void saveTarget(Optional<StageRecord> record, Path target, boolean readOnly) throws MountException {
        if (record.isPresent() && !Boolean.valueOf(readOnly).equals(record.get().targets().get(target))) {
            records.save(record.get().withTarget(target, readOnly));
        }
    }

    /** The staging mount with a live FUSE client, healed first when its client died or it vanished. */
    private MountPoint liveStagingMount(String volumeId, Path staging, Optional<StageRecord> record,
            MountTable table) throws MountException {
        Optional<MountPoint> current = table.at(staging);
        if (current.isPresent() && current.get().isGluster() && healing.alive(staging)) {
            return current.get();
        }
        if (record.isEmpty()) {
            throw new MountException(MountException.Reason.NOT_STAGED, "volume " + volumeId + " is not staged at "
                    + staging + (current.isPresent() ? " (the mount there is not a live gluster mount)" : ""));
        }
        healing.heal(record.get());
        return mounter.mounts().at(staging).orElseThrow(() -> new MountException(MountException.Reason.FAILED,
                "volume " + volumeId + " was remounted at " + staging + " but the mount is not there"));
    }

    /** Unmounts the target and removes its directory; a target that is not mounted is fine. */
    public void unpublish(String volumeId, Path targetPath) throws MountException {
        Path target = canonical(targetPath);
        unmountAll(target, false);
        deleteDirectory(target);
        deadClients.forget(target);
        Optional<StageRecord> record = records.find(volumeId);
        if (record.isPresent() && record.get().targets().containsKey(target)) {
            records.save(record.get().withoutTarget(target));
        }
    }

    /** Unmounts the staging path and forgets the volume; refused while it is still published. */
    public void unstage(String volumeId, Path stagingPath) throws MountException {
        Path staging = canonical(stagingPath);
        Optional<StageRecord> record = records.find(volumeId).filter(r -> r.stagingPath().equals(staging));
        if (record.isPresent()) {
            MountTable table = mounter.mounts();
            List<Path> published = record.get().targets().keySet().stream()
                    .filter(target -> table.at(target).isPresent()).toList();
            if (!published.isEmpty()) {
                throw new MountException(MountException.Reason.IN_USE, "volume " + volumeId
                        + " is still published at " + published + "; unpublish it first");
            }
        }
        unmountAll(staging, true);
        deleteDirectory(staging);
        if (record.isPresent()) {
            record.get().targets().keySet().forEach(deadClients::forget);
            records.delete(record.get());
        }
    }

    /**
     * Bytes and inodes of the volume mounted at the path (its staging path or a target). A mount
     * that is gone or whose FUSE client died is reported abnormal and healed on the spot; a target
     * that was on a mount whose client died stays abnormal until it is unpublished.
     */
    public Usage usage(String volumeId, Path volumePath) throws MountException {
        Path path = canonical(volumePath);
        Optional<StageRecord> record = records.find(volumeId)
                .filter(r -> r.stagingPath().equals(path) || r.targets().containsKey(path));
        Optional<MountPoint> current = mounter.mounts().at(path);
        if (record.isEmpty() && (current.isEmpty() || !current.get().isGluster())) {
            throw new MountException(MountException.Reason.NOT_FOUND, path + " is not a mounted volume of "
                    + volumeId);
        }
        String problem;
        if (current.isEmpty()) {
            problem = "the mount at " + path + " is gone";
        } else {
            try {
                FsStats stats = mounter.statfs(path);
                Optional<String> stale = deadClients.staleReason(path);
                if (stale.isEmpty()) {
                    // A live client may still miss bricks: the mount serves, from fewer replicas.
                    stale = mounter.unreachableBricks(path);
                }
                return new Usage(Optional.of(stats), stale.isPresent(), stale.orElse(""));
            } catch (MountException e) {
                if (e.reason() != MountException.Reason.NOT_CONNECTED) {
                    return new Usage(Optional.empty(), true, e.getMessage());
                }
                problem = "the gluster FUSE client of " + path + " is dead (Transport endpoint is not connected)";
            }
        }
        return healForUsage(record, path, problem);
    }

    private Usage healForUsage(Optional<StageRecord> record, Path path, String problem) {
        if (record.isEmpty()) {
            return new Usage(Optional.empty(), true, problem + "; no stage record to heal it from");
        }
        try {
            HealReport report = healing.heal(record.get());
            return new Usage(Optional.of(mounter.statfs(path)), true, problem + "; healed: " + report.describe()
                    + deadClients.staleReason(path).map(reason -> "; " + reason).orElse(""));
        } catch (MountException e) {
            return new Usage(Optional.empty(), true, problem + "; healing failed: " + e.getMessage());
        }
    }

    /**
     * Makes a staged volume whole again: remounts the staging path when its FUSE client is dead or
     * the mount is gone, then re-binds every recorded target that no longer shows the live mount
     * (see {@link MountHealing}). Does nothing to a healthy volume.
     */
    public HealReport heal(StageRecord record) throws MountException {
        return healing.heal(record);
    }

    /** Unmounts every mount stacked at the path; a staging path's through whoever owns its FUSE client. */
    private void unmountAll(Path path, boolean staging) throws MountException {
        for (int i = 0; i < MountHealing.MAX_STACKED; i++) {
            if (mounter.mounts().at(path).isEmpty()) {
                return;
            }
            if (staging) {
                mounter.unmountGluster(path);
            } else {
                mounter.unmount(path);
            }
        }
        if (mounter.mounts().at(path).isPresent()) {
            throw new MountException(MountException.Reason.FAILED, path + " is still mounted after "
                    + MountHealing.MAX_STACKED
                    + " unmounts");
        }
    }

    private void saveIfChanged(Optional<StageRecord> known, StageRecord wanted) throws MountException {
        if (known.isEmpty() || !known.get().equals(wanted)) {
            records.save(wanted);
        }
    }

    private static void deleteDirectory(Path path) throws MountException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            // This driver only ever creates directories (no block volumes): a file or a link at the path is not
            // ours, and deleting it (say target_path=/etc/passwd) would destroy what the caller never gave us.
            throw new MountException(MountException.Reason.INVALID, path + " is not a directory; this driver"
                    + " mounts only on directories and leaves it in place");
        }
        try {
            Files.deleteIfExists(path);
        } catch (DirectoryNotEmptyException e) {
            throw new MountException(MountException.Reason.IN_USE, path + " is not empty after unmounting; it is left"
                    + " in place so nothing written there is lost", e);
        } catch (IOException e) {
            throw new MountException(MountException.Reason.FAILED, "cannot remove " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The path as the mount table shows it: absolute, normalized, its parent's symbolic links
     * resolved. The path itself is not resolved: stat on a dead FUSE mount point fails.
     */
    static Path canonical(Path path) throws MountException {
        Path normal = path.toAbsolutePath().normalize();
        Path parent = normal.getParent();
        if (parent == null) {
            return normal;
        }
        try {
            return parent.toRealPath().resolve(normal.getFileName());
        } catch (NoSuchFileException e) {
            return normal;
        } catch (IOException e) {
            throw new MountException(MountException.Reason.FAILED, "cannot resolve " + parent + ": "
                    + e.getMessage(), e);
        }
    }
}
