package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.CsiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The gluster volume options a StorageClass (or a VolumeAttributesClass, on a live volume) may set,
 * from its {@code volumeOptions} parameter: comma-separated {@code key=value} pairs. Keys must fall
 * in an allowlist: options that would fight the driver (quota, our {@code user.*} metadata, brick
 * placement) or weaken the pool are refused.
 */
public final class VolumeOptions {
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._:/*@+][A-Za-z0-9._:/*@+|-]{0,255}");

    /** Option families a StorageClass may tune. */
    private static final List<String> ALLOWED_PREFIXES = List.of(
            "performance.", "cluster.", "network.", "diagnostics.", "client.", "server.",
            "transport.", "auth.", "nfs.", "storage.", "features.");

    /** Options the driver owns, or that break replicas or quotas when changed per volume. */
    private static final List<String> DENIED = List.of(
            "features.quota", "features.inode-quota", "features.quota-deem-statfs", "features.quota-timeout",
            "features.default-soft-limit", "features.hard-timeout", "features.soft-timeout",
            "features.alert-time", "features.shard", "features.read-only", "features.worm",
            "features.bitrot", "features.scrub", "cluster.brick-multiplex", "cluster.max-bricks-per-process",
            "cluster.op-version", "cluster.server-quorum-ratio", "cluster.enable-shared-storage",
            "storage.owner-uid", "storage.owner-gid", "storage.reserve", "server.manage-gids");

    private VolumeOptions() {
    }

    /** Parses and checks the parameter; the result keeps the order written. */
    public static Map<String, String> parse(String text) throws CsiException {
        Map<String, String> options = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return options;
        }
        for (String entry : text.split(",")) {
            String pair = entry.strip();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw CsiException.invalidArgument("parameter 'volumeOptions': '" + pair
                        + "' is not key=value (write e.g. performance.cache-size=64MB,network.ping-timeout=10)");
            }
            String key = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            checkKey(key);
            if (!VALUE.matcher(value).matches()) {
                throw CsiException.invalidArgument("parameter 'volumeOptions': value of " + key + " ('" + value
                        + "') may use only letters, digits and . _ : / * @ + | -, and may not start with -");
            }
            if (options.put(key, value) != null) {
                throw CsiException.invalidArgument("parameter 'volumeOptions': " + key + " is given twice");
            }
        }
        return options;
    }

    private static void checkKey(String key) throws CsiException {
        if (!KEY.matcher(key).matches()) {
            throw CsiException.invalidArgument("parameter 'volumeOptions': '" + key
                    + "' is not a gluster option name (family.name, lower case)");
        }
        if (DENIED.contains(key)) {
            throw CsiException.invalidArgument("parameter 'volumeOptions': " + key
                    + " is managed by the driver or unsafe per volume and cannot be set by a StorageClass or a"
                    + " VolumeAttributesClass");
        }
        if (ALLOWED_PREFIXES.stream().noneMatch(key::startsWith)) {
            throw CsiException.invalidArgument("parameter 'volumeOptions': " + key
                    + " is outside the allowed option families " + ALLOWED_PREFIXES);
        }
    }

    /** The canonical text form, the way it is stored in the volume's metadata. */
    public static String format(Map<String, String> options) {
        StringBuilder text = new StringBuilder();
        options.forEach((key, value) -> {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(key).append('=').append(value);
        });
        return text.toString();
    }
}
