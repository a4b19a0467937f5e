package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.context.VolumeContext;
import io.converged.gluster.csi.runtime.Driver;
import io.converged.gluster.csi.v1.ControllerGetVolumeResponse;
import io.converged.gluster.csi.v1.Volume;
import java.util.Map;
import java.util.TreeMap;

/** A volume laid out the way {@code kubectl describe pv} shows a PersistentVolume of this driver. */
final class PvDescription {
    private PvDescription() {
    }

    @SuppressWarnings("deprecation")
    static String render(Volume volume, ControllerGetVolumeResponse answer) {
        Map<String, String> context = new TreeMap<>(volume.getVolumeContextMap());
        // Not a PV attribute: ControllerGetVolume reports the options in force now, the PV keeps creation's.
        String options = context.remove(VolumeContext.VOLUME_OPTIONS);
        StringBuilder out = new StringBuilder();
        row(out, "Name:", volume.getVolumeId());
        row(out, "Status:", answer.getStatus().getVolumeCondition().getAbnormal()
                ? "Abnormal: " + answer.getStatus().getVolumeCondition().getMessage() : "Available (healthy)");
        row(out, "Reclaim Policy:", "delete".equals(context.get("onDelete")) ? "Delete" : "Retain");
        row(out, "Access Modes:", "RWO,ROX,RWX,RWOP");
        row(out, "VolumeMode:", "Filesystem");
        row(out, "Capacity:", Sizes.format(volume.getCapacityBytes()));
        row(out, "Node Affinity:", "<none>");
        out.append("Source:\n");
        row(out, "    Type:", "CSI (a Container Storage Interface (CSI) volume source)");
        row(out, "    Driver:", Driver.NAME);
        row(out, "    FSType:", "glusterfs");
        row(out, "    VolumeHandle:", volume.getVolumeId());
        row(out, "    ReadOnly:", "false");
        boolean first = true;
        for (Map.Entry<String, String> attribute : context.entrySet()) {
            row(out, first ? "    VolumeAttributes:" : "", attribute.getKey() + "=" + attribute.getValue());
            first = false;
        }
        if (options != null) {
            row(out, "Gluster options now:", options);
        }
        out.append("Events:                <none>\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String label, String value) {
        out.append(String.format("%-23s%s%n", label, value));
    }
}
