package io.converged.gluster.node.mount;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The mount flags a volume capability may carry (a StorageClass's {@code mountOptions}), limited to
 * the glusterfs FUSE options that change how the client behaves. Options the driver sets itself
 * ({@code log-file}, {@code backup-volfile-servers}), options that would mount something else
 * ({@code subdir-mount}, {@code volume-id}) or pass raw text through ({@code xlator-option},
 * {@code fuse-mountopts}), and anything unknown are refused with a message that names them.
 * Values are checked too: {@code mount.glusterfs} splits its command line on whitespace.
 */
public final class MountOptions {
    private static final Pattern BOOL = Pattern.compile("(?i)yes|no|on|off|true|false|enable|disable");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");
    private static final Pattern SIGNED = Pattern.compile("-?[0-9]{1,4}");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,6})?");

    private static final Set<String> FLAGS = Set.of(
            "ro", "rw", "acl", "selinux", "worm", "enable-ino32", "mem-accounting", "aux-gfid-mount",
            "thin-client", "resolve-gids", "global-threading", "localtime-logging", "fopen-keep-cache",
            "_netdev", "auto_unmount", "atime", "noatime", "diratime", "nodiratime", "relatime", "norelatime",
            "strictatime", "nostrictatime", "lazyatime", "nolazyatime", "dev", "nodev", "exec", "noexec",
            "suid", "nosuid");

    private static final Map<String, Pattern> VALUED = Map.ofEntries(
            Map.entry("log-level", Pattern.compile("(?i)TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL|NONE")),
            Map.entry("transport", Pattern.compile("tcp|rdma")),
            Map.entry("direct-io-mode", Pattern.compile("(?i)auto|yes|no|on|off|true|false|enable|disable")),
            Map.entry("attribute-timeout", SECONDS),
            Map.entry("entry-timeout", SECONDS),
            Map.entry("negative-timeout", SECONDS),
            Map.entry("gid-timeout", SECONDS),
            Map.entry("lru-limit", COUNT),
            Map.entry("invalidate-limit", COUNT),
            Map.entry("background-qlen", COUNT),
            Map.entry("fetch-attempts", COUNT),
            Map.entry("congestion-threshold", COUNT),
            Map.entry("reader-thread-count", COUNT),
            Map.entry("attr-times-granularity", COUNT),
            Map.entry("oom-score-adj", SIGNED),
            Map.entry("use-readdirp", BOOL),
            Map.entry("auto-invalidation", BOOL),
            Map.entry("root-squash", BOOL),
            Map.entry("no-root-squash", BOOL),
            Map.entry("kernel-writeback-cache", BOOL),
            Map.entry("fuse-flush-handle-interrupt", BOOL),
            Map.entry("event-history", BOOL),
            Map.entry("fopen-keep-cache", BOOL));

    private static final MountOptions NONE = new MountOptions(List.of());

    private final List<String> options;

    private MountOptions(List<String> options) {
        this.options = List.copyOf(options);
    }

    public static MountOptions none() {
        return NONE;
    }

    /**
     * Validates mount flags as kubelet passes them; one flag may itself hold several, comma-separated.
     * Blank entries are ignored.
     */
    public static MountOptions parse(List<String> flags) throws MountException {
        List<String> accepted = new ArrayList<>();
        Set<String> refused = new TreeSet<>();
        for (String flag : flags) {
            for (String option : flag.split(",", -1)) {
                String trimmed = option.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (isAllowed(trimmed)) {
                    accepted.add(trimmed);
                } else {
                    refused.add(trimmed);
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new MountException(MountException.Reason.INVALID, "mount options not supported by "
                    + "the glusterfs FUSE client or reserved by the driver: " + String.join(", ", refused)
                    + " (log-file and backup-volfile-servers are set by the driver)");
        }
        return new MountOptions(accepted);
    }

    private static boolean isAllowed(String option) {
        int eq = option.indexOf('=');
        if (eq < 0) {
            return FLAGS.contains(option);
        }
        Pattern value = VALUED.get(option.substring(0, eq));
        return value != null && value.matcher(option.substring(eq + 1)).matches();
    }

    /** The accepted options, in the order given. */
    public List<String> asList() {
        return options;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MountOptions that && options.equals(that.options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", options);
    }
}
