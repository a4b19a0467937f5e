package io.converged.gluster.controller.replace;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A volume's self-heal state as gluster's heal-info tool summarizes it, brick by brick: entries
 * still to heal, in split-brain, possibly being healed. Counts of a brick that did not answer are
 * unknown. Parsed from the tool's text, which {@code gluster volume heal V info summary} prints
 * unchanged (its XML mode is not available when the tool must be told glusterd's socket).
 */
public record HealSummary(String volume, List<BrickHeal> bricks) {

    public HealSummary {
        bricks = List.copyOf(bricks);
    }

    /**
     * One brick's lines.
     *
     * @param status gluster's words: {@code Connected}, or why not
     * @param total every entry listed, or empty when the brick did not answer
     */
    public record BrickHeal(String brick, String status, OptionalLong total, OptionalLong pending,
            OptionalLong splitBrain, OptionalLong possiblyHealing) {

        public boolean connected() {
            return "Connected".equals(status);
        }
    }

    /** Entries still to heal on the bricks that answered. */
    public long pending() {
        return bricks.stream().mapToLong(b -> b.total().orElse(0)).sum();
    }

    /** Entries in split-brain on the bricks that answered. */
    public long splitBrain() {
        return bricks.stream().mapToLong(b -> b.splitBrain().orElse(0)).sum();
    }

    /** Every brick answered and none lists an entry: the replicas agree. */
    public boolean healed() {
        return !bricks.isEmpty() && bricks.stream().allMatch(b -> b.connected() && b.total().orElse(1) == 0);
    }

    /**
     * Reads the summary. Lines it does not know are skipped, so a later gluster that adds one
     * still parses; text without a single brick is refused.
     *
     * @throws IllegalArgumentException when the text names no brick (gluster said something else)
     */
    public static HealSummary parse(String volume, String text) {
        List<BrickHeal> bricks = new ArrayList<>();
        String brick = null;
        String status = "";
        OptionalLong total = OptionalLong.empty();
        OptionalLong pending = OptionalLong.empty();
        OptionalLong splitBrain = OptionalLong.empty();
        OptionalLong healing = OptionalLong.empty();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("Brick ")) {
                if (brick != null) {
                    bricks.add(new BrickHeal(brick, status, total, pending, splitBrain, healing));
                }
                brick = line.substring("Brick ".length()).strip();
                status = "";
                total = OptionalLong.empty();
                pending = OptionalLong.empty();
                splitBrain = OptionalLong.empty();
                healing = OptionalLong.empty();
                continue;
            }
            if (brick == null) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "Status" -> status = value;
                case "Total Number of entries", "Number of entries" -> total = count(value);
                case "Number of entries in heal pending" -> pending = count(value);
                case "Number of entries in split-brain" -> splitBrain = count(value);
                case "Number of entries possibly healing" -> healing = count(value);
                default -> {
                    // A line this version does not know.
                }
            }
        }
        if (brick != null) {
            bricks.add(new BrickHeal(brick, status, total, pending, splitBrain, healing));
        }
        if (bricks.isEmpty()) {
            throw new IllegalArgumentException("no brick in the heal summary of " + volume + ": "
                    + (text.isBlank() ? "(empty)" : text.strip()));
        }
        return new HealSummary(volume, bricks);
    }

    private static OptionalLong count(String value) {
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
