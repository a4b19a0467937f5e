package io.converged.gluster.controller.gluster;

import java.util.List;
import java.util.OptionalLong;

/**
 * {@code gluster volume heal V info summary}: for each brick of a replicated volume, whether the
 * heal crawler reached it and how many entries its heal index holds. An entry a write left on one
 * brick is listed on every brick that holds the newer copy, so the volume's figures are the largest
 * of its bricks', not their sum.
 */
public record HealSummary(String volume, List<BrickHeal> bricks) {

    public HealSummary {
        bricks = List.copyOf(bricks);
    }

    /**
     * One brick's line. Counts are empty when gluster could not read the brick's index (it shows
     * {@code -}): the brick is down or unreachable, and {@code status} says why.
     *
     * @param name {@code host:/path}
     * @param status gluster's word for the brick: {@code Connected}, or why it is not
     * @param pending entries that need heal (split-brain ones not included)
     * @param possiblyHealing entries a heal or a write holds right now
     */
    public record BrickHeal(String name, String status, OptionalLong total, OptionalLong pending,
            OptionalLong splitBrain, OptionalLong possiblyHealing) {

        public boolean connected() {
            return "Connected".equals(status);
        }
    }

    /** Entries that need heal: the largest count any readable brick holds. */
    public long pendingEntries() {
        return bricks.stream().mapToLong(b -> b.pending().orElse(0)).max().orElse(0);
    }

    /** Entries in split-brain: the largest count any readable brick holds. */
    public long splitBrainEntries() {
        return bricks.stream().mapToLong(b -> b.splitBrain().orElse(0)).max().orElse(0);
    }

    /** Every brick answered and none lists an entry: the replicas agree (what a brick move waits for). */
    public boolean healed() {
        return !bricks.isEmpty() && bricks.stream().allMatch(b -> b.connected() && b.total().orElse(1) == 0);
    }

    /** Bricks whose index gluster could not read. */
    public List<BrickHeal> unreadable() {
        return bricks.stream().filter(b -> !b.connected() || b.pending().isEmpty()).toList();
    }
}
