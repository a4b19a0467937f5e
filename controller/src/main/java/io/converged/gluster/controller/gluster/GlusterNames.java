package io.converged.gluster.controller.gluster;

import java.util.regex.Pattern;

/**
 * Checks every name and value before it reaches a gluster command line. The CLI gets argv (no
 * shell), but its own parser still treats words like {@code force}, {@code replica} or a leading
 * {@code -} specially, so only plain names pass.
 */
public final class GlusterNames {
    private static final Pattern VOLUME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** An IPv4 address or a DNS name. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._/@+-]{0,4000}");
    private static final Pattern OPTION_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,255}");
    private static final Pattern OPTION_VALUE = Pattern.compile("[^\\p{Cntrl}\\s-][^\\p{Cntrl}]{0,4095}");

    private GlusterNames() {
    }

    public static boolean isVolume(String name) {
        return name != null && VOLUME.matcher(name).matches() && !name.equals("all");
    }

    public static String requireVolume(String name) {
        if (!isVolume(name)) {
            throw new IllegalArgumentException("not a valid gluster volume name: " + quote(name));
        }
        return name;
    }

    public static String requireHost(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("not a valid peer address: " + quote(host));
        }
        return host;
    }

    /** An absolute path without {@code ..}, spaces or shell-looking characters. */
    public static String requirePath(String path) {
        if (path == null || !PATH.matcher(path).matches() || path.contains("/../") || path.endsWith("/..")
                || path.contains("//")) {
            throw new IllegalArgumentException("not a valid absolute path: " + quote(path));
        }
        return path;
    }

    /** {@code host:/path}. */
    public static String requireBrick(String brick) {
        int colon = brick == null ? -1 : brick.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a brick is host:/path, not " + quote(brick));
        }
        requireHost(brick.substring(0, colon));
        requirePath(brick.substring(colon + 1));
        return brick;
    }

    public static String requireOptionKey(String key) {
        if (key == null || !OPTION_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a valid volume option: " + quote(key));
        }
        return key;
    }

    /** Any printable text that does not start with '-' or a space; spaces inside are kept. */
    public static String requireOptionValue(String value) {
        if (value == null || !OPTION_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid volume option value: " + quote(value));
        }
        return value;
    }

    private static String quote(String text) {
        return text == null ? "null" : "'" + text + "'";
    }
}
