package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.provision.OnDelete;
import io.converged.gluster.controller.provision.VolumeRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Who a claim's directory belongs to, recorded on the directory itself as the extended attribute
 * {@code user.csi.claim}: gluster stays the only state. One attribute, so a claim costs one write:
 * {@code v=1;request=…;capacity=…;onDelete=…[;gid=…][;pvc=NAMESPACE/NAME][;state=retained|filling]}.
 * Every value is percent-encoded, so no name a request may carry can break the record or a command line.
 *
 * @param retained true once DeleteVolume kept the directory (onDelete retain): no claim any more
 * @param filling true while a copy fills the claim before CreateVolume answers it (a restore or a clone):
 *     gluster checks a limit on every write, which made such a copy half as fast again, so the claim gets
 *     its limit only once it is full, and nothing takes the missing limit for one to repair meanwhile
 */
public record ClaimRecord(String requestName, long capacityBytes, OnDelete onDelete, OptionalInt gid,
        Optional<String> pvcNamespace, Optional<String> pvcName, boolean retained, boolean filling) {

    /** A record of a claim that is not being filled. */
    public ClaimRecord(String requestName, long capacityBytes, OnDelete onDelete, OptionalInt gid,
            Optional<String> pvcNamespace, Optional<String> pvcName, boolean retained) {
        this(requestName, capacityBytes, onDelete, gid, pvcNamespace, pvcName, retained, false);
    }

    /** The record of a new claim. */
    public static ClaimRecord of(VolumeRequest request, OptionalInt gid) {
        return new ClaimRecord(request.requestName(), request.capacityBytes(), request.parameters().onDelete(), gid,
                request.parameters().pvcNamespace(), request.parameters().pvcName(), false);
    }

    public ClaimRecord withCapacity(long bytes) {
        return new ClaimRecord(requestName, bytes, onDelete, gid, pvcNamespace, pvcName, retained, filling);
    }

    public ClaimRecord asRetained() {
        return new ClaimRecord(requestName, capacityBytes, onDelete, gid, pvcNamespace, pvcName, true);
    }

    /** The claim is being filled: it has no limit yet. */
    public ClaimRecord asFilling() {
        return new ClaimRecord(requestName, capacityBytes, onDelete, gid, pvcNamespace, pvcName, retained, true);
    }

    /** The claim is full and limited: an ordinary claim. */
    public ClaimRecord asFilled() {
        return new ClaimRecord(requestName, capacityBytes, onDelete, gid, pvcNamespace, pvcName, retained, false);
    }

    /** The attribute's value. */
    public String render() {
        StringBuilder text = new StringBuilder("v=1");
        append(text, "request", requestName);
        append(text, "capacity", Long.toString(capacityBytes));
        append(text, "onDelete", onDelete.value());
        gid.ifPresent(g -> append(text, "gid", Integer.toString(g)));
        if (pvcNamespace.isPresent() && pvcName.isPresent()) {
            append(text, "pvc", pvcNamespace.get() + "/" + pvcName.get());
        }
        if (retained) {
            append(text, "state", "retained");
        } else if (filling) {
            append(text, "state", "filling");
        }
        return text.toString();
    }

    /**
     * The fields of a record's value ({@code NAME=VALUE;...}, each value decoded), in order; empty when a
     * field has no name. Snapshot and content records share this form.
     *
     * @throws IllegalArgumentException when a value's encoding is broken
     */
    public static Optional<Map<String, String>> fields(String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : value.strip().split(";")) {
            int eq = field.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            fields.put(field.substring(0, eq), decode(field.substring(eq + 1)));
        }
        return Optional.of(fields);
    }

    /** The record an attribute's value holds; empty when it is not one this driver wrote. */
    public static Optional<ClaimRecord> parse(String value) {
        try {
            Optional<Map<String, String>> parsed = fields(value);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> fields = parsed.get();
            if (!"1".equals(fields.get("v")) || !fields.containsKey("request") || !fields.containsKey("capacity")) {
                return Optional.empty();
            }
            long capacity = Long.parseLong(fields.get("capacity"));
            OptionalInt gid = fields.containsKey("gid") ? OptionalInt.of(Integer.parseInt(fields.get("gid")))
                    : OptionalInt.empty();
            String pvc = fields.get("pvc");
            int slash = pvc == null ? -1 : pvc.indexOf('/');
            return Optional.of(new ClaimRecord(fields.get("request"), capacity, onDelete(fields.get("onDelete")), gid,
                    slash < 0 ? Optional.empty() : Optional.of(pvc.substring(0, slash)),
                    slash < 0 ? Optional.empty() : Optional.of(pvc.substring(slash + 1)),
                    "retained".equals(fields.get("state")), "filling".equals(fields.get("state"))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An unreadable onDelete must never lose data: keep the directory. */
    private static OnDelete onDelete(String value) {
        for (OnDelete mode : OnDelete.values()) {
            if (mode.value().equals(value)) {
                return mode;
            }
        }
        return OnDelete.RETAIN;
    }

    private static void append(StringBuilder text, String key, String value) {
        text.append(';').append(key).append('=').append(encode(value));
    }

    /** Letters, digits and {@code - _ .} as they are; every other byte as {@code %XX}. */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** The text {@link #encode} made; IllegalArgumentException for a malformed escape. */
    public static String decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                // Integer.parseInt would take "+1" or "-1" for two hex digits.
                if (i + 2 >= text.length() || !HexFormat.isHexDigit(text.charAt(i + 1))
                        || !HexFormat.isHexDigit(text.charAt(i + 2))) {
                    throw new IllegalArgumentException("a '%' without two hex digits in " + text);
                }
                bytes.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
