package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.CsiException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A StorageClass's parameters, parsed and checked. Unknown keys and malformed values are refused
 * with a message that names the key; keys the csi-provisioner sidecar adds
 * ({@code csi.storage.k8s.io/*}) are read, not refused.
 */
public record StorageClassParameters(
        int replica,
        boolean arbiter,
        String brickRoot,
        String volumeNamePrefix,
        Map<String, String> volumeOptions,
        Spread spread,
        OptionalInt gidMin,
        OptionalInt gidMax,
        OnDelete onDelete,
        Optional<String> pvcName,
        Optional<String> pvcNamespace,
        Optional<String> pvName,
        Optional<String> pool,
        QuotaEnforcement quotaEnforcement) {

    public static final String REPLICA = "replica";
    public static final String ARBITER = "arbiter";
    public static final String BRICK_ROOT = "brickRoot";
    public static final String VOLUME_NAME_PREFIX = "volumeNamePrefix";
    public static final String VOLUME_OPTIONS = "volumeOptions";
    public static final String SPREAD = "spread";
    public static final String GID_MIN = "gidMin";
    public static final String GID_MAX = "gidMax";
    public static final String ON_DELETE = "onDelete";
    public static final String POOL = "pool";
    public static final String QUOTA_ENFORCEMENT = "quotaEnforcement";

    static final String SIDECAR_PREFIX = "csi.storage.k8s.io/";
    static final String PVC_NAME = "csi.storage.k8s.io/pvc/name";
    static final String PVC_NAMESPACE = "csi.storage.k8s.io/pvc/namespace";
    static final String PV_NAME = "csi.storage.k8s.io/pv/name";

    public static final String DEFAULT_BRICK_ROOT = "/mnt/brick1";
    public static final String DEFAULT_PREFIX = "gcs";

    private static final List<String> KNOWN = List.of(REPLICA, ARBITER, BRICK_ROOT, VOLUME_NAME_PREFIX,
            VOLUME_OPTIONS, SPREAD, GID_MIN, GID_MAX, ON_DELETE, POOL, QUOTA_ENFORCEMENT);
    /** A shared pool's name, which is also its gluster volume's name. */
    private static final Pattern POOL_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9._/-]+");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9-]{0,15}");
    private static final Pattern KUBE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public StorageClassParameters {
        volumeOptions = Map.copyOf(volumeOptions);
    }

    /** Parses with the default policy: brick roots anywhere under /mnt. */
    public static StorageClassParameters parse(Map<String, String> parameters) throws CsiException {
        return parse(parameters, List.of("/mnt"));
    }

    /**
     * Parses the parameters of a CreateVolume (or GetCapacity) request.
     *
     * @param allowedBrickRoots directories a brickRoot must equal or lie under (the controller's
     *     {@code --allowed-brick-roots}), so a StorageClass cannot point bricks at /etc
     */
    public static StorageClassParameters parse(Map<String, String> parameters, List<String> allowedBrickRoots)
            throws CsiException {
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeMap<>(parameters).keySet()) {
            if (!KNOWN.contains(key) && !key.startsWith(SIDECAR_PREFIX)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw CsiException.invalidArgument("unknown StorageClass parameter(s) " + unknown + "; known: " + KNOWN);
        }
        int replica = parseInt(parameters, REPLICA, 3, 1, 3);
        boolean arbiter = parseBoolean(parameters, ARBITER);
        if (arbiter && replica != 3) {
            throw CsiException.invalidArgument("parameter 'arbiter' needs replica 3 (replica 3 arbiter 1), got replica "
                    + replica);
        }
        String brickRoot = parseBrickRoot(parameters.getOrDefault(BRICK_ROOT, DEFAULT_BRICK_ROOT), allowedBrickRoots);
        String prefix = parameters.getOrDefault(VOLUME_NAME_PREFIX, DEFAULT_PREFIX);
        if (!PREFIX.matcher(prefix).matches()) {
            throw CsiException.invalidArgument("parameter 'volumeNamePrefix' must be 1-16 lower-case letters, digits"
                    + " or '-', starting with a letter or digit, got '" + prefix + "'");
        }
        Map<String, String> options = VolumeOptions.parse(parameters.get(VOLUME_OPTIONS));
        Spread spread = Spread.parse(parameters.get(SPREAD));
        OptionalInt gidMin = parseOptionalGid(parameters, GID_MIN);
        OptionalInt gidMax = parseOptionalGid(parameters, GID_MAX);
        if (gidMin.isPresent() != gidMax.isPresent()) {
            throw CsiException.invalidArgument("parameters 'gidMin' and 'gidMax' go together; give both or neither");
        }
        if (gidMin.isPresent() && gidMin.getAsInt() > gidMax.getAsInt()) {
            throw CsiException.invalidArgument("parameter 'gidMin' (" + gidMin.getAsInt() + ") is above 'gidMax' ("
                    + gidMax.getAsInt() + ")");
        }
        OnDelete onDelete = parameters.containsKey(ON_DELETE) ? OnDelete.parse(parameters.get(ON_DELETE))
                : OnDelete.DELETE;
        QuotaEnforcement enforcement = parameters.containsKey(QUOTA_ENFORCEMENT)
                ? QuotaEnforcement.parse(parameters.get(QUOTA_ENFORCEMENT)) : QuotaEnforcement.STRICT;
        return new StorageClassParameters(replica, arbiter, brickRoot, prefix, options, spread, gidMin, gidMax,
                onDelete, kubeName(parameters, PVC_NAME), kubeName(parameters, PVC_NAMESPACE),
                kubeName(parameters, PV_NAME), parsePool(parameters.get(POOL)), enforcement);
    }

    /** These parameters with other volume options (a VolumeAttributesClass's, laid over the class's). */
    public StorageClassParameters withVolumeOptions(Map<String, String> options) {
        return new StorageClassParameters(replica, arbiter, brickRoot, volumeNamePrefix, options, spread, gidMin,
                gidMax, onDelete, pvcName, pvcNamespace, pvName, pool, quotaEnforcement);
    }

    /** True when claims of the class are directories of a shared pool rather than volumes of their own. */
    public boolean shared() {
        return pool.isPresent();
    }

    private static Optional<String> parsePool(String text) throws CsiException {
        if (text == null) {
            return Optional.empty();
        }
        if (!POOL_NAME.matcher(text).matches() || text.equals("all")) {
            throw CsiException.invalidArgument("parameter 'pool' must be 1-32 lower-case letters, digits or '-',"
                    + " starting with a letter or digit (it names the pool's gluster volume), got '" + text + "'");
        }
        return Optional.of(text);
    }

    /** True when a GID should be allocated for the volume. */
    public boolean allocatesGid() {
        return gidMin.isPresent();
    }

    private static int parseInt(Map<String, String> parameters, String key, int fallback, int min, int max)
            throws CsiException {
        String text = parameters.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw CsiException.invalidArgument("parameter '" + key + "' must be a whole number from " + min + " to "
                    + max + ", got '" + text + "'");
        }
    }

    private static boolean parseBoolean(Map<String, String> parameters, String key) throws CsiException {
        String text = parameters.get(key);
        if (text == null) {
            return false;
        }
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw CsiException.invalidArgument("parameter '" + key + "' must be true or false, got '"
                    + text + "'");
        };
    }

    private static OptionalInt parseOptionalGid(Map<String, String> parameters, String key)
            throws CsiException {
        if (!parameters.containsKey(key)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(parseInt(parameters, key, 0, 1, Integer.MAX_VALUE - 1));
    }

    static String parseBrickRoot(String text, List<String> allowedRoots) throws CsiException {
        if (!text.startsWith("/")) {
            throw CsiException.invalidArgument("parameter 'brickRoot' must be an absolute path, got '" + text + "'");
        }
        if (!PATH_CHARS.matcher(text).matches()) {
            throw CsiException.invalidArgument("parameter 'brickRoot' may use only letters, digits and . _ - /, got '"
                    + text + "'");
        }
        for (String part : text.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw CsiException.invalidArgument("parameter 'brickRoot' may not contain '.' or '..' segments, got '"
                        + text + "'");
            }
        }
        String root = Path.of(text).normalize().toString();
        if (root.equals("/")) {
            throw CsiException.invalidArgument("parameter 'brickRoot' may not be the root directory");
        }
        for (String allowed : allowedRoots) {
            Path base = Path.of(allowed).normalize();
            if (Path.of(root).startsWith(base)) {
                return root;
            }
        }
        throw CsiException.invalidArgument("parameter 'brickRoot' " + root + " is outside the brick roots this"
                + " controller allows " + allowedRoots + " (its --allowed-brick-roots flag)");
    }

    private static Optional<String> kubeName(Map<String, String> parameters, String key)
            throws CsiException {
        String value = parameters.get(key);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (!KUBE_NAME.matcher(value).matches()) {
            throw CsiException.invalidArgument("'" + key + "' is not a Kubernetes object name: '" + value + "'");
        }
        return Optional.of(value);
    }
}
