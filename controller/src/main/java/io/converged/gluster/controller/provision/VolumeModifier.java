package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Changing what may change on a live dedicated volume (ControllerModifyVolume): its gluster volume
 * options, set in one {@code volume set} together with the driver's record of them, so the options
 * and the record never disagree. Options that already have the asked value are left alone; when all
 * have it and the record names them, nothing is run at all.
 */
public final class VolumeModifier {
    private static final Logger LOG = Logger.getLogger(VolumeModifier.class.getName());

    private final TrustedPool trusted;

    public VolumeModifier(TrustedPool trusted) {
        this.trusted = trusted;
    }

    /**
     * Gives the volume the options (already checked by {@link VolumeOptions}); NOT_FOUND when the
     * volume is not one of this driver's dedicated volumes, INVALID_ARGUMENT when gluster refuses an
     * option or its value (nothing is changed then).
     */
    public void modify(String volumeId, Map<String, String> wanted) throws CsiException {
        List<Peer> peers = trusted.peers();
        VolumeInfo info = trusted.ownVolume(peers, volumeId);
        Map<String, String> changes = new LinkedHashMap<>();
        List<String> was = new ArrayList<>();
        wanted.forEach((key, value) -> {
            String now = info.options().get(key);
            if (!value.equals(now)) {
                changes.put(key, value);
                was.add(key + "=" + value + " (was " + (now == null ? "gluster's default" : now) + ")");
            }
        });
        Map<String, String> record = new TreeMap<>(VolumeMetadata.recordedOptions(info.options()));
        record.putAll(wanted);
        String recordText = VolumeOptions.format(record);
        boolean recorded = record.isEmpty() || recordText.equals(info.options().get(VolumeMetadata.VOLUME_OPTIONS));
        if (changes.isEmpty() && recorded) {
            return;
        }
        Map<String, String> set = new LinkedHashMap<>(changes);
        set.put(VolumeMetadata.VOLUME_OPTIONS, recordText);
        try {
            trusted.answering(peers).setOptions(volumeId, set);
        } catch (GlusterException e) {
            if (e.is(GlusterException.Kind.OTHER)) {
                // The keys passed the driver's checks, so this is gluster refusing an option or its value.
                throw CsiException.invalidArgument("gluster refused the volumeOptions " + VolumeOptions.format(wanted)
                        + " for volume " + volumeId + " (nothing was changed): " + e.getMessage());
            }
            throw CsiException.during("modifying volume " + volumeId, e);
        }
        LOG.info("modified volume " + volumeId + ": "
                + (was.isEmpty() ? "recorded its options" : String.join(", ", was)));
    }
}
