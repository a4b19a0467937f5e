package io.converged.gluster.controller.replace;

import java.util.Map;
import java.util.Optional;

/**
 * The driver's note on a volume of the brick move it is making or made last:
 * {@code user.csi.move = FROM_BRICK>TO_BRICK}, set before the new brick is carved. It makes a move
 * re-derivable from gluster alone: while the volume still has FROM, a retried move takes the same
 * target (no second carve elsewhere); once it has TO and not FROM, the move is done and only heal
 * may be left. Gluster cannot reset {@code user.*} options, so the note stays until the next move
 * overwrites it.
 */
record MoveRecord(String fromBrick, String toBrick) {
    static final String KEY = "user.csi.move";

    /** The record on the volume, if it has a readable one. */
    static Optional<MoveRecord> of(Map<String, String> options) {
        String value = options.get(KEY);
        if (value == null) {
            return Optional.empty();
        }
        int arrow = value.indexOf('>');
        if (arrow <= 0 || arrow == value.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new MoveRecord(value.substring(0, arrow), value.substring(arrow + 1)));
    }

    String value() {
        return fromBrick + ">" + toBrick;
    }

    /** The host part of {@code host:path}. */
    static String host(String brick) {
        int colon = brick.indexOf(':');
        return colon < 0 ? brick : brick.substring(0, colon);
    }
}
