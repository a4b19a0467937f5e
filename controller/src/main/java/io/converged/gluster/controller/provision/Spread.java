package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.CsiException;

/**
 * The topology key replicas of one volume must not share. Unset, replicas go to distinct zones
 * where the pool has enough of them and to distinct nodes otherwise; a StorageClass that names the
 * zone key makes zones a hard rule; naming the hostname key asks for distinct nodes only.
 */
public enum Spread {
    /** Distinct zones where possible, else distinct nodes (the parameter left unset). */
    ZONE_PREFERRED(""),
    /** Distinct zones, strictly. */
    ZONE("topology.kubernetes.io/zone"),
    /** Distinct nodes. */
    NODE("kubernetes.io/hostname");

    private final String key;

    Spread(String key) {
        this.key = key;
    }

    /** The parameter value that selects this spread (empty for the default). */
    public String key() {
        return key;
    }

    /** True when each replica must be in its own zone. */
    public boolean zonesRequired() {
        return this == ZONE;
    }

    static Spread parse(String text) throws CsiException {
        if (text == null || text.isEmpty()) {
            return ZONE_PREFERRED;
        }
        for (Spread spread : values()) {
            if (!spread.key.isEmpty() && spread.key.equals(text)) {
                return spread;
            }
        }
        throw CsiException.invalidArgument("parameter 'spread' must be topology.kubernetes.io/zone (each replica in"
                + " its own zone) or kubernetes.io/hostname (each on its own node), got '" + text
                + "'; unset, zones are preferred and nodes suffice");
    }
}
