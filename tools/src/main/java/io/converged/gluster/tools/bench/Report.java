package io.converged.gluster.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's table: one row per figure with what it is compared to, the ratio and the
 * target, rendered as aligned plain text (and as a Markdown table for BENCHMARKS.md).
 */
public final class Report {
    /** One figure. Empty strings for columns that do not apply. */
    public record Row(String section, String what, String measured, String floor, String ratio, String target,
            String verdict) {
    }

    private static final List<String> HEADERS = List.of("SECTION", "WHAT", "MEASURED", "RAW FLOOR", "RATIO", "TARGET",
            "MET");

    private final List<Row> rows = new ArrayList<>();

    public void add(Row row) {
        rows.add(row);
    }

    /** The rows grouped by section, sections in the order they first appeared, rows in the order added. */
    public List<Row> rows() {
        List<String> sections = rows.stream().map(Row::section).distinct().toList();
        List<Row> grouped = new ArrayList<>();
        sections.forEach(section -> rows.stream().filter(r -> r.section().equals(section)).forEach(grouped::add));
        return grouped;
    }

    /** Milliseconds as "2.91 s" from one second up, "14 ms" below. NaN is "-". */
    public static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        return ms >= 1000 ? String.format(Locale.ROOT, "%.2f s", ms / 1000) : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    /** Bytes as "1024 MiB". */
    public static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    /** Bytes moved in that many milliseconds, as "44.1 MiB/s"; "-" when there is no time. */
    public static String throughput(long bytes, double ms) {
        return Double.isNaN(ms) || ms <= 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB/s", bytes / 1048576.0
                / (ms / 1000));
    }

    /** A ratio as "1.04x"; NaN is "-". */
    public static String times(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    /** "yes" / "NO" for a target, "-" when there is none to judge. */
    public static String verdict(boolean met) {
        return met ? "yes" : "NO";
    }

    /** Aligned columns, headers in capitals, sections separated by a blank line. */
    public String render() {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADERS);
        rows().forEach(r -> cells.add(List.of(r.section(), r.what(), r.measured(), r.floor(), r.ratio(), r.target(),
                r.verdict())));
        int[] widths = new int[HEADERS.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        String previous = null;
        for (int n = 0; n < cells.size(); n++) {
            List<String> line = cells.get(n);
            if (n > 1 && !line.get(0).equals(previous)) {
                out.append('\n');
            }
            previous = line.get(0);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                String cell = n > 1 && i == 0 && line.get(0).equals(cells.get(n - 1).get(0)) ? "" : line.get(i);
                text.append(i == line.size() - 1 ? cell : pad(cell, widths[i] + 2));
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** The same rows as a Markdown table. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| Section | What | Measured | Raw floor | Ratio | Target | Met |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows()) {
            out.append("| ").append(String.join(" | ", List.of(r.section(), r.what(), r.measured(), r.floor(),
                    r.ratio(), r.target(), r.verdict()).stream().map(c -> c.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
