package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.VolumeNames;
import java.util.Optional;

/**
 * Where a copy reads from, and what {@link ContentRecord} names: a snapshot, or a volume (a clone, or the
 * source of a snapshot). Written as {@code snapshot:ID} or {@code volume:ID}, which is also the key
 * the copies in this process are known by.
 */
public sealed interface ContentSource {

    /** {@code snapshot:ID} or {@code volume:ID}. */
    String key();

    /** Words for messages: {@code snapshot ID} or {@code volume ID}. */
    String describe();

    /** A snapshot as the source of a restore. */
    record FromSnapshot(SnapshotId id) implements ContentSource {
        @Override
        public String key() {
            return "snapshot:" + id;
        }

        @Override
        public String describe() {
            return "snapshot " + id;
        }
    }

    /** A volume as the source of a clone or of a snapshot. */
    record FromVolume(String volumeId) implements ContentSource {
        @Override
        public String key() {
            return "volume:" + volumeId;
        }

        @Override
        public String describe() {
            return "volume " + volumeId;
        }
    }

    /** The source a key names, if it names one. */
    static Optional<ContentSource> parse(String key) {
        if (key.startsWith("snapshot:")) {
            return SnapshotId.parse(key.substring("snapshot:".length())).map(FromSnapshot::new);
        }
        if (key.startsWith("volume:") && VolumeNames.isValidVolumeId(key.substring("volume:".length()))) {
            return Optional.of(new FromVolume(key.substring("volume:".length())));
        }
        return Optional.empty();
    }
}
