package io.converged.gluster.tools.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The controller's health gauges read from its {@code /metrics} text (Prometheus exposition format):
 * one row per gluster volume (bricks online of total, heal backlog, split-brain entries), one per CSI
 * volume's quota (used and limit), one per peer. Pure.
 */
final class HealthFigures {
    private static final Pattern SAMPLE = Pattern.compile("^(gluster_csi_[a-z_]+)\\{([^}]*)\\} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private HealthFigures() {
    }

    record Parsed(List<Map<String, Object>> volumes, List<Map<String, Object>> quotas,
            List<Map<String, Object>> peers) {
    }

    static Parsed parse(String text) {
        Map<String, Map<String, Object>> volumes = new TreeMap<>();
        Map<String, Map<String, Object>> quotas = new TreeMap<>();
        Map<String, Map<String, Object>> peers = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            long value = (long) Double.parseDouble(m.group(3));
            switch (m.group(1)) {
                case "gluster_csi_volume_bricks" -> volume(volumes, labels).put("bricks", value);
                case "gluster_csi_volume_bricks_online" -> volume(volumes, labels).put("online", value);
                case "gluster_csi_volume_heal_pending_entries" -> volume(volumes, labels).put("heal pending", value);
                case "gluster_csi_volume_split_brain_entries" -> volume(volumes, labels).put("split-brain", value);
                case "gluster_csi_volume_quota_used_bytes" -> quota(quotas, labels).put("used", Sizes.format(value));
                case "gluster_csi_volume_quota_limit_bytes" -> quota(quotas, labels).put("limit", Sizes.format(value));
                case "gluster_csi_peer_connected" -> peers.computeIfAbsent(labels.get("peer"), p -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("peer", p);
                    return row;
                }).put("connected", value == 1 ? "yes" : "NO");
                default -> {
                }
            }
        }
        return new Parsed(new ArrayList<>(volumes.values()), new ArrayList<>(quotas.values()),
                new ArrayList<>(peers.values()));
    }

    private static Map<String, Object> volume(Map<String, Map<String, Object>> volumes, Map<String, String> labels) {
        return volumes.computeIfAbsent(labels.getOrDefault("gluster_volume", "?"), v -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("gluster volume", v);
            row.put("bricks", "");
            row.put("online", "");
            row.put("heal pending", "-");
            row.put("split-brain", "-");
            return row;
        });
    }

    private static Map<String, Object> quota(Map<String, Map<String, Object>> quotas, Map<String, String> labels) {
        return quotas.computeIfAbsent(labels.getOrDefault("volume", "?"), v -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("volume", v);
            row.put("gluster volume", labels.getOrDefault("gluster_volume", ""));
            row.put("used", "-");
            row.put("limit", "NONE");
            return row;
        });
    }
}
