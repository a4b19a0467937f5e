package io.converged.gluster.node.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The mounts of this mount namespace, parsed from the text of {@code /proc/self/mountinfo}. */
public final class MountTable {
    private final List<MountPoint> mounts;

    public MountTable(List<MountPoint> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** Parses mountinfo text (proc(5)); malformed lines are skipped. */
    public static MountTable parse(String text) {
        List<MountPoint> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            MountPoint mount = parseLine(line);
            if (mount != null) {
                mounts.add(mount);
            }
        }
        return new MountTable(mounts);
    }

    private static MountPoint parseLine(String line) {
        String[] fields = line.trim().split(" ");
        int separator = List.of(fields).indexOf("-");
        if (separator < 6 || fields.length < separator + 3) {
            return null;
        }
        return new MountPoint(fields[2], unescape(fields[3]), Path.of(unescape(fields[4])),
                Set.of(fields[5].split(",")), unescape(fields[separator + 1]), unescape(fields[separator + 2]));
    }

    /** The kernel writes space, tab, newline and backslash as three-digit octal escapes. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static boolean isOctal(String text, int from) {
        if (from + 3 > text.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    public List<MountPoint> all() {
        return mounts;
    }

    /** The mount visible at the path: the last one mounted there, if any. */
    public Optional<MountPoint> at(Path path) {
        MountPoint found = null;
        for (MountPoint mount : mounts) {
            if (mount.mountPoint().equals(path)) {
                found = mount;
            }
        }
        return Optional.ofNullable(found);
    }
}
