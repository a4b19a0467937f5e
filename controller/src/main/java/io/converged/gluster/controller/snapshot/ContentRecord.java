package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.shared.ClaimRecord;
import java.util.Map;
import java.util.Optional;

/**
 * What a volume made from a snapshot or a clone was filled from, recorded on the root of the volume (the
 * dedicated volume's root, or the claim's directory) as the extended attribute {@value #ATTRIBUTE}:
 * {@code v=1;source=snapshot:ID|volume:ID;state=copying|ready}. It stays once ready, so a CreateVolume
 * repeated later knows the copy is done; a copy of the volume (a snapshot of it) never carries it along.
 *
 * @param source the {@link ContentSource#key()} of the source
 */
public record ContentRecord(String source, boolean ready) {
    public static final String ATTRIBUTE = "user.csi.content";

    public static ContentRecord copying(ContentSource source) {
        return new ContentRecord(source.key(), false);
    }

    public ContentRecord asReady() {
        return new ContentRecord(source, true);
    }

    public String render() {
        return "v=1;source=" + ClaimRecord.encode(source) + ";state=" + (ready ? "ready" : "copying");
    }

    /** The record an attribute's value holds; empty when it is not one this driver wrote. */
    public static Optional<ContentRecord> parse(String value) {
        try {
            Optional<Map<String, String>> parsed = ClaimRecord.fields(value);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> fields = parsed.get();
            String state = fields.get("state");
            if (!"1".equals(fields.get("v")) || !fields.containsKey("source")
                    || !("ready".equals(state) || "copying".equals(state))) {
                return Optional.empty();
            }
            return Optional.of(new ContentRecord(fields.get("source"), "ready".equals(state)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
