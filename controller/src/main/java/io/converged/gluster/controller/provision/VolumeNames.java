package io.converged.gluster.controller.provision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Derives a claim's name from a CreateVolume request's name: the gluster volume name of a dedicated
 * volume (which is also its CSI volume id), or the directory of a claim in a shared pool (whose CSI
 * volume id is {@code POOL/DIRECTORY}). The same request name always gives the same name, so a
 * retried call finds its own work; names that had to be shortened or cleaned carry a hash of the
 * original, so two requests never meet on one volume.
 */
public final class VolumeNames {
    /** Gluster volume names: letters, digits, '-' and '_'; kept short so brick paths stay short. */
    static final int MAX_LENGTH = 64;
    private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern REQUEST_NAME_CHARS = Pattern.compile("[a-z0-9-]+");

    private VolumeNames() {
    }

    /** The volume name for a request name under a prefix. */
    public static String forRequest(String prefix, String requestName) {
        String lower = requestName.toLowerCase(Locale.ROOT);
        String candidate = prefix + "-" + lower;
        if (lower.equals(requestName) && REQUEST_NAME_CHARS.matcher(lower).matches()
                && candidate.length() <= MAX_LENGTH) {
            return candidate;
        }
        String cleaned = lower.replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        String hash = hash(requestName);
        int room = MAX_LENGTH - prefix.length() - hash.length() - 2;
        if (cleaned.length() > room) {
            cleaned = cleaned.substring(0, room).replaceAll("-+$", "");
        }
        return cleaned.isEmpty() ? prefix + "-" + hash : prefix + "-" + cleaned + "-" + hash;
    }

    /** True when the text is a gluster volume name this driver could have given (checked before any command). */
    public static boolean isDedicatedName(String name) {
        return name != null && VOLUME_NAME.matcher(name).matches();
    }

    /** True when the text is a CSI volume id this driver could have given: a dedicated volume's or a claim's. */
    public static boolean isValidVolumeId(String id) {
        return isDedicatedName(id) || ClaimId.parse(id).isPresent();
    }

    /**
     * The CSI volume id of a claim in a shared pool, {@code POOL/DIRECTORY}: the pool's gluster volume
     * name, then the claim's directory directly under the pool's root.
     */
    public record ClaimId(String pool, String directory) {
        private static final Pattern POOL = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

        public ClaimId {
            if (!POOL.matcher(pool).matches() || !VOLUME_NAME.matcher(directory).matches()) {
                throw new IllegalArgumentException("not a claim id: " + pool + "/" + directory);
            }
        }

        /** The claim id the text is, if it is one. */
        public static Optional<ClaimId> parse(String id) {
            int slash = id == null ? -1 : id.indexOf('/');
            if (slash < 0) {
                return Optional.empty();
            }
            String pool = id.substring(0, slash);
            String directory = id.substring(slash + 1);
            return POOL.matcher(pool).matches() && VOLUME_NAME.matcher(directory).matches()
                    ? Optional.of(new ClaimId(pool, directory)) : Optional.empty();
        }

        @Override
        public String toString() {
            return pool + "/" + directory;
        }
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
