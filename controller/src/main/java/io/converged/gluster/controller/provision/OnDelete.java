package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.CsiException;
import java.util.Locale;

/** What DeleteVolume does with a volume's brick directories. */
public enum OnDelete {
    /** Remove them: the data is gone. */
    DELETE,
    /** Keep them where they are; the gluster volume is still deleted. */
    RETAIN,
    /** Rename them aside (with a timestamp) so an operator can recover the data. */
    ARCHIVE;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static OnDelete parse(String text) throws CsiException {
        for (OnDelete mode : values()) {
            if (mode.value().equals(text)) {
                return mode;
            }
        }
        throw CsiException.invalidArgument("parameter 'onDelete' must be delete, retain or archive, got '"
                + text + "'");
    }
}
