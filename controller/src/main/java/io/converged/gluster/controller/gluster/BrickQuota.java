package io.converged.gluster.controller.gluster;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The quota limit of a directory as a brick holds it: the attribute gluster's {@code limit-usage}
 * sets through the volume on every brick, and that the bricks' quota enforces. Read on the peer that
 * hosts the brick, it costs one small command instead of a gluster CLI call ({@code quota list PATH}
 * asks glusterd and reads through its quota mount). Only read, never written: a brick is gluster's.
 */
public final class BrickQuota {
    /** {@code trusted.glusterfs.quota.limit-set.1} in gluster 10 (the {@code .1} is its quota version). */
    static final String KEYS = "^trusted\\.glusterfs\\.quota\\.limit-set";

    private BrickQuota() {
    }

    /**
     * The hard limit on {@code dir} of the brick: present inside when set, empty inside when the directory
     * has none; empty when this peer cannot tell (no such directory here, no getfattr).
     */
    public static Optional<OptionalLong> hardLimit(CommandRunner peer, String dir, Duration timeout) {
        CommandResult result;
        try {
            result = peer.run(List.of("getfattr", "--absolute-names", "-d", "-m", KEYS, "-e", "hex", "--", dir),
                    timeout);
        } catch (CommandException e) {
            return Optional.empty();
        }
        if (!result.succeeded()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(result.stdout()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The hard limit in getfattr's hex dump of the limit attribute: its first 8 bytes, big-endian (the
     * soft limit follows). Empty when no such attribute is in the dump.
     */
    static OptionalLong parse(String dump) {
        for (String line : dump.lines().toList()) {
            int eq = line.indexOf("=0x");
            if (eq < 0 || !line.startsWith("trusted.glusterfs.quota.limit-set")) {
                continue;
            }
            String hex = line.substring(eq + 3).strip();
            if (hex.length() < 16) {
                continue;
            }
            byte[] bytes = HexFormat.of().parseHex(hex.substring(0, 16));
            long value = 0;
            for (byte b : bytes) {
                value = (value << 8) | (b & 0xff);
            }
            return value > 0 ? OptionalLong.of(value) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
