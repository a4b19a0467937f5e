package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.Optional;

/**
 * Filling a new volume (a dedicated volume's root, or a claim's directory) from a snapshot or from
 * another volume. The root first records the copy as begun ({@link ContentRecord}, only on a root that
 * is empty: a root with files this driver did not put there is never touched). The source's entries are
 * then copied straight into the root (the root's own attributes, the driver's records among them, are
 * left alone), the root takes the source root's owner, group and mode (unless the volume's class gives it
 * a GID of its own), and the record says ready. Until then everything in the root was put there by this
 * copy, so an attempt after a crash at any point before ready removes it and copies again.
 *
 * <p>The copy goes straight into the root rather than into a staging directory whose entries then move
 * up: a move is a rename per entry through gluster (40 s for 1,000 files, longer than their copy), and
 * renamed directories that a replica missed are not always healed.
 */
final class RestoreCopy extends CopyJob {

    /** Where the source's files are, looked up when the copy needs them (a finished copy never does). */
    @FunctionalInterface
    interface SourceLookup {
        Place place() throws CsiException;
    }

    private final String volumeId;
    private final ContentSource source;
    private final SourceLookup lookup;
    private final Place target;
    private final boolean ownGroup;

    /**
     * @param target the new volume's root
     * @param ownGroup true when the volume's class gave it a GID: its root keeps that group and mode
     */
    RestoreCopy(String volumeId, ContentSource source, SourceLookup lookup, Place target, boolean ownGroup,
            Copies copies) {
        super(Kind.RESTORE, "volume:" + volumeId, source.key(), copies);
        this.volumeId = volumeId;
        this.source = source;
        this.lookup = lookup;
        this.target = target;
        this.ownGroup = ownGroup;
    }

    @Override
    protected String describe() {
        return "volume " + volumeId + " from " + source.describe();
    }

    /** Where the files to copy are: mounted and checked only when the copy needs them. */
    @FunctionalInterface
    interface SourceFiles {
        String path() throws CsiException;
    }

    @Override
    protected void work(Copies.Attempt attempt) throws CsiException {
        PeerTree tree = attempt.tree();
        fill(tree, attempt.target(target), () -> sourceFiles(attempt, tree));
    }

    /**
     * Fills the volume's root, as a mount shows it, from where an earlier attempt left it (nothing, a copy
     * begun, half-way or whole but not recorded ready, or done): the root records how far it is, so any
     * attempt after a crash at any point ends with the root holding the source's files and nothing else.
     */
    void fill(PeerTree tree, String root, SourceFiles sourceFiles) throws CsiException {
        if (!tree.isDirectory(root)) {
            throw CsiException.notFound("volume " + volumeId + " is gone (deleted while it was being filled?)");
        }
        Optional<ContentRecord> found = tree.attribute(root, ContentRecord.ATTRIBUTE).flatMap(ContentRecord::parse);
        ContentRecord record;
        if (found.isPresent()) {
            record = found.get();
            if (!record.source().equals(source.key())) {
                throw CsiException.alreadyExists("volume " + volumeId + " was filled from " + record.source()
                        + ", not from " + source.describe());
            }
            if (record.ready()) {
                return;
            }
        } else {
            if (!tree.names(root).isEmpty()) {
                throw CsiException.alreadyExists("volume " + volumeId + " holds files that no copy of this driver put"
                        + " there; it is not filled from " + source.describe());
            }
            record = ContentRecord.copying(source);
            tree.setAttribute(root, ContentRecord.ATTRIBUTE, record.render());
            step(Step.RESTORE_STARTED, volumeId);
        }
        // Whatever is in the root came from an earlier attempt of this copy that did not finish.
        for (String name : tree.names(root)) {
            removeLeftover(tree, root + "/" + name);
        }
        String from = sourceFiles.path();
        copyEntries(tree, from, root, Step.RESTORE_COPYING, volumeId);
        step(Step.RESTORE_COPIED, volumeId);
        if (!ownGroup) {
            tree.copyOwnerAndMode(from, root);
        }
        tree.setAttribute(root, ContentRecord.ATTRIBUTE, record.asReady().render());
        step(Step.RESTORE_READY, volumeId);
    }

    /** Mounts the source and returns the directory to copy: a ready snapshot's data, or a volume's root. */
    private String sourceFiles(Copies.Attempt attempt, PeerTree tree) throws CsiException {
        String place = attempt.source(lookup.place());
        if (source instanceof ContentSource.FromSnapshot snapshot) {
            Optional<SnapshotRecord> record = tree.attribute(place, SnapshotRecord.ATTRIBUTE)
                    .flatMap(SnapshotRecord::parse);
            if (record.isEmpty()) {
                throw CsiException.notFound("snapshot " + snapshot.id() + " is gone");
            }
            if (!record.get().ready()) {
                throw CsiException.unavailable("snapshot " + snapshot.id() + " is not ready yet");
            }
            String data = place + "/" + SnapshotCopy.DATA;
            if (!tree.isDirectory(data)) {
                throw CsiException.notFound("snapshot " + snapshot.id() + " has no data");
            }
            return data;
        }
        SnapshotCopy.requireCopyable(tree, place, source.describe());
        return place;
    }
}
