package io.converged.gluster.controller.provision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Derives the gluster volume name (which is also the CSI volume id) from a CreateVolume request's
 * name. The same request name always gives the same volume name, so a retried call finds its own
 * work; names that had to be shortened or cleaned carry a hash of the original, so two requests
 * never meet on one volume.
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

    /** True when the text is a name this driver could have given a volume (checked before any command). */
    public static boolean isValidVolumeId(String id) {
        return id != null && VOLUME_NAME.matcher(id).matches();
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
