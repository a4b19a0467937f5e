package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.Driver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The {@code user.csi.*} volume options that carry what the driver must remember about a volume,
 * on the volume itself: gluster stays the only source of truth. All are written in one
 * {@code volume set} transaction.
 */
public final class VolumeMetadata {
    static final String DRIVER = "user.csi.driver";
    static final String REQUEST_NAME = "user.csi.request-name";
    static final String CAPACITY = "user.csi.capacity-bytes";
    static final String BRICK_ROOT = "user.csi.brick-root";
    static final String GID = "user.csi.gid";
    static final String ON_DELETE = "user.csi.on-delete";
    static final String PVC_NAME = "user.csi.pvc-name";
    static final String PVC_NAMESPACE = "user.csi.pvc-namespace";
    static final String PV_NAME = "user.csi.pv-name";
    /**
     * The gluster options the driver set from {@code volumeOptions}, of the StorageClass at creation
     * and of every VolumeAttributesClass since, as {@code key=value,...} sorted by key: which options
     * are the driver's doing, so ControllerGetVolume reports exactly those, with their values now.
     */
    static final String VOLUME_OPTIONS = "user.csi.volume-options";
    /** The class's {@code quotaEnforcement}; absent on volumes made before it existed, which count as strict. */
    static final String QUOTA_ENFORCEMENT = "user.csi.quota-enforcement";
    /** The class's {@code spread} when it set one (strict zones, or nodes only); absent for the default. */
    static final String SPREAD = "user.csi.spread";
    /** {@code pool} on a shared pool's volume; absent on a dedicated volume. */
    static final String LAYOUT = "user.csi.layout";
    static final String POOL_LAYOUT = "pool";
    /**
     * {@code yes} while a copy fills a dedicated volume before CreateVolume answers it (a restore or a clone):
     * it has no quota limit until then, since gluster checks a limit on every write. {@code no} afterwards.
     */
    static final String FILLING = "user.csi.filling";

    private VolumeMetadata() {
    }

    /** The options to set on a new volume. */
    public static Map<String, String> forNewVolume(VolumeRequest request, OptionalInt gid) {
        StorageClassParameters p = request.parameters();
        Map<String, String> options = new LinkedHashMap<>();
        options.put(DRIVER, Driver.NAME);
        options.put(REQUEST_NAME, requestNameValue(request.requestName()));
        options.put(CAPACITY, Long.toString(request.capacityBytes()));
        options.put(BRICK_ROOT, p.brickRoot());
        options.put(ON_DELETE, p.onDelete().value());
        gid.ifPresent(g -> options.put(GID, Integer.toString(g)));
        p.pvcName().ifPresent(v -> options.put(PVC_NAME, v));
        p.pvcNamespace().ifPresent(v -> options.put(PVC_NAMESPACE, v));
        p.pvName().ifPresent(v -> options.put(PV_NAME, v));
        if (!p.volumeOptions().isEmpty()) {
            options.put(VOLUME_OPTIONS, VolumeOptions.format(new TreeMap<>(p.volumeOptions())));
        }
        options.put(QUOTA_ENFORCEMENT, p.quotaEnforcement().value());
        options.putAll(p.quotaEnforcement().options());
        if (p.spread() != Spread.ZONE_PREFERRED) {
            options.put(SPREAD, p.spread().key());
        }
        return options;
    }

    /** The options the volume's record names, with the values the record holds (as the driver set them). */
    static Map<String, String> recordedOptions(Map<String, String> options) {
        Map<String, String> recorded = new TreeMap<>();
        String text = options.getOrDefault(VOLUME_OPTIONS, "");
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                recorded.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return recorded;
    }

    /** The options the record names, with the values gluster shows now; one reset to its default is left out. */
    public static Map<String, String> appliedOptions(Map<String, String> options) {
        Map<String, String> applied = new TreeMap<>();
        for (String key : recordedOptions(options).keySet()) {
            String now = options.get(key);
            if (now != null) {
                applied.put(key, now);
            }
        }
        return applied;
    }

    /**
     * The request name as stored. The CSI spec allows any name, but gluster option values cannot hold
     * spaces or control characters reliably, and the CLI guard refuses a value that starts with '-'
     * (gluster would read it as a flag): anything outside letters, digits and {@code - _ .} is
     * percent-encoded, and so is a leading '-'. Names stored before the leading '-' was encoded could
     * not start with one, so every stored name still compares equal.
     */
    static String requestNameValue(String requestName) {
        StringBuilder value = new StringBuilder();
        for (byte b : requestName.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean leadingDash = c == '-' && value.isEmpty();
            if (c < 128 && !leadingDash && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                value.append(c);
            } else {
                value.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return value.toString();
    }

    /** The options to set on a new shared pool's volume: who made it, that it is a pool, where its bricks are. */
    public static Map<String, String> forNewPool(String brickRoot, QuotaEnforcement enforcement) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(DRIVER, Driver.NAME);
        options.put(LAYOUT, POOL_LAYOUT);
        options.put(BRICK_ROOT, brickRoot);
        options.put(QUOTA_ENFORCEMENT, enforcement.value());
        options.putAll(enforcement.options());
        return options;
    }

    /** {@link #forNewPool(String, QuotaEnforcement)}, and the class's spread when it set one. */
    public static Map<String, String> forNewPool(StorageClassParameters parameters) {
        Map<String, String> options = forNewPool(parameters.brickRoot(), parameters.quotaEnforcement());
        if (parameters.spread() != Spread.ZONE_PREFERRED) {
            options.put(SPREAD, parameters.spread().key());
        }
        return options;
    }

    /**
     * True when the volume's class asked for each replica in its own zone, so a brick that moves must
     * go to a zone no other replica is in (volumes made before the spread was recorded prefer zones).
     */
    public static boolean spreadsOverZones(Map<String, String> options) {
        return Spread.ZONE.key().equals(options.get(SPREAD));
    }

    /** True when the options mark a volume made by this driver: a dedicated volume or a pool. */
    public static boolean ours(Map<String, String> options) {
        return Driver.NAME.equals(options.get(DRIVER));
    }

    /** True when the options mark a dedicated volume of this driver (one claim, the whole volume). */
    public static boolean dedicated(Map<String, String> options) {
        return ours(options) && !options.containsKey(LAYOUT);
    }

    /** True when the options mark a shared pool of this driver (claims are its directories). */
    public static boolean pool(Map<String, String> options) {
        return ours(options) && POOL_LAYOUT.equals(options.get(LAYOUT));
    }

    /** True when the options record this request name. */
    public static boolean madeFor(Map<String, String> options, String requestName) {
        return requestNameValue(requestName).equals(options.get(REQUEST_NAME));
    }

    public static long capacity(Map<String, String> options) {
        return parseLong(options.get(CAPACITY)).orElse(0L);
    }

    public static OptionalInt gid(Map<String, String> options) {
        Optional<Long> gid = parseLong(options.get(GID));
        return gid.isPresent() ? OptionalInt.of(gid.get().intValue()) : OptionalInt.empty();
    }

    public static OnDelete onDelete(Map<String, String> options) {
        String value = options.getOrDefault(ON_DELETE, "delete");
        for (OnDelete mode : OnDelete.values()) {
            if (mode.value().equals(value)) {
                return mode;
            }
        }
        // An unreadable value must never lose data: keep the bricks.
        return OnDelete.RETAIN;
    }

    /**
     * How strictly the volume's quota must hold: what its class asked, or strict for a volume made before
     * the parameter existed (or with a value this driver does not know).
     */
    public static QuotaEnforcement quotaEnforcement(Map<String, String> options) {
        String value = options.get(QUOTA_ENFORCEMENT);
        return value == null ? QuotaEnforcement.STRICT
                : QuotaEnforcement.find(value).orElse(QuotaEnforcement.STRICT);
    }

    /** The option that records the enforcement, for a volume that does not record it yet. */
    /** The volume is being filled, without its limit yet (see {@link #FILLING}). */
    public static boolean filling(Map<String, String> options) {
        return "yes".equals(options.get(FILLING));
    }

    /** The option that records a volume as being filled, or as filled. */
    static Map<String, String> recordFilling(boolean filling) {
        return Map.of(FILLING, filling ? "yes" : "no");
    }

    public static Map<String, String> recordEnforcement(QuotaEnforcement enforcement) {
        return Map.of(QUOTA_ENFORCEMENT, enforcement.value());
    }

    public static String brickRoot(Map<String, String> options) {
        return options.getOrDefault(BRICK_ROOT, "");
    }

    public static Optional<String> pvcName(Map<String, String> options) {
        return Optional.ofNullable(options.get(PVC_NAME));
    }

    public static Optional<String> pvcNamespace(Map<String, String> options) {
        return Optional.ofNullable(options.get(PVC_NAMESPACE));
    }

    public static String requestName(Map<String, String> options) {
        String value = options.getOrDefault(REQUEST_NAME, "");
        return java.net.URLDecoder.decode(value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Optional<Long> parseLong(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
