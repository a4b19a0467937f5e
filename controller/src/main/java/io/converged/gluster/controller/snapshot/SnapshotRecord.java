package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.shared.ClaimRecord;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a snapshot is, recorded on its directory as the extended attribute {@value #ATTRIBUTE}
 * (gluster stays the only state), in the form of a claim's record:
 * {@code v=1;request=…;source=…;created=…;size=…;state=copying|ready[;used=…]}, every value
 * percent-encoded. {@code ready} is written only after the copy finished, was flushed to every brick and
 * moved into place, so a record that says ready always has a whole copy under it.
 *
 * @param requestName the CreateSnapshot name (the idempotency key)
 * @param sourceVolumeId the volume the snapshot copies
 * @param created when the copy began (a copy started again after a restart says so)
 * @param sizeBytes the source's capacity when the snapshot was taken: the least a restore may ask for
 * @param ready true once the copy is whole
 * @param usedBytes the space the copy takes (known once ready)
 */
public record SnapshotRecord(String requestName, String sourceVolumeId, Instant created, long sizeBytes,
        boolean ready, OptionalLong usedBytes) {
    public static final String ATTRIBUTE = "user.csi.snapshot";

    /** The record of a snapshot whose copy is just beginning. */
    public static SnapshotRecord copying(String requestName, String sourceVolumeId, Instant created,
            long sizeBytes) {
        return new SnapshotRecord(requestName, sourceVolumeId, created, sizeBytes, false, OptionalLong.empty());
    }

    /** This snapshot, its copy whole and taking {@code used} bytes. */
    public SnapshotRecord asReady(long used) {
        return new SnapshotRecord(requestName, sourceVolumeId, created, sizeBytes, true, OptionalLong.of(used));
    }

    /** This snapshot, its copy begun again at {@code now}. */
    public SnapshotRecord restartedAt(Instant now) {
        return new SnapshotRecord(requestName, sourceVolumeId, now, sizeBytes, false, OptionalLong.empty());
    }

    /** The attribute's value. */
    public String render() {
        StringBuilder text = new StringBuilder("v=1");
        append(text, "request", requestName);
        append(text, "source", sourceVolumeId);
        append(text, "created", created.toString());
        append(text, "size", Long.toString(sizeBytes));
        append(text, "state", ready ? "ready" : "copying");
        usedBytes.ifPresent(used -> append(text, "used", Long.toString(used)));
        return text.toString();
    }

    /** The record an attribute's value holds; empty when it is not one this driver wrote. */
    public static Optional<SnapshotRecord> parse(String value) {
        try {
            Optional<Map<String, String>> parsed = ClaimRecord.fields(value);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> fields = parsed.get();
            String state = fields.get("state");
            if (!"1".equals(fields.get("v")) || !fields.containsKey("request") || !fields.containsKey("source")
                    || !fields.containsKey("created") || !fields.containsKey("size")
                    || !("ready".equals(state) || "copying".equals(state))) {
                return Optional.empty();
            }
            long size = Long.parseLong(fields.get("size"));
            OptionalLong used = fields.containsKey("used") ? OptionalLong.of(Long.parseLong(fields.get("used")))
                    : OptionalLong.empty();
            return Optional.of(new SnapshotRecord(fields.get("request"), fields.get("source"),
                    Instant.parse(fields.get("created")), size, "ready".equals(state), used));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static void append(StringBuilder text, String key, String value) {
        text.append(';').append(key).append('=').append(ClaimRecord.encode(value));
    }
}
