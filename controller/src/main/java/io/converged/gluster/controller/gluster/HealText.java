package io.converged.gluster.controller.gluster;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The text {@code glfsheal VOLUME info-summary} prints, which is what {@code gluster volume heal V
 * info summary} shows without {@code --xml}. Read when glfsheal is run directly: the CLI starts
 * glfsheal without its {@code --glusterd-sock}, so a glusterd on another socket (several peers on one
 * machine) is reachable only by running glfsheal with {@code glusterd-sock FILE}, which then cannot
 * write XML. Pure.
 *
 * <pre>
 * Brick 127.1.9.1:/mnt/brick1/v/brick
 * Status: Connected
 * Total Number of entries: 6
 * Number of entries in heal pending: 6
 * Number of entries in split-brain: 0
 * Number of entries possibly healing: 0
 * </pre>
 * A brick it could not reach shows its reason as the status and {@code -} for every count.
 */
public final class HealText {
    private HealText() {
    }

    public static HealSummary parse(String volume, String text) {
        List<HealSummary.BrickHeal> bricks = new ArrayList<>();
        Builder current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("Brick ")) {
                if (current != null) {
                    bricks.add(current.build());
                }
                current = new Builder(line.substring("Brick ".length()).strip());
            } else if (current != null) {
                current.read(line);
            }
        }
        if (current != null) {
            bricks.add(current.build());
        }
        return new HealSummary(volume, bricks);
    }

    /** Whether the text is a summary at all (glfsheal prints its usage or an error otherwise). */
    public static boolean isSummary(String text) {
        return text.lines().anyMatch(l -> l.startsWith("Brick ")) && text.contains("Status:");
    }

    private static final class Builder {
        private final String name;
        private String status = "";
        private OptionalLong total = OptionalLong.empty();
        private OptionalLong pending = OptionalLong.empty();
        private OptionalLong splitBrain = OptionalLong.empty();
        private OptionalLong healing = OptionalLong.empty();

        Builder(String name) {
            this.name = name;
        }

        void read(String line) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                return;
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
                }
            }
        }

        HealSummary.BrickHeal build() {
            return new HealSummary.BrickHeal(name, status, total, pending, splitBrain, healing);
        }

        private static OptionalLong count(String value) {
            try {
                return OptionalLong.of(Long.parseLong(value));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
    }
}
