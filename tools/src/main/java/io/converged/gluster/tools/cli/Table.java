package io.converged.gluster.tools.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Plain aligned columns, headers in capitals, the way kubectl prints. */
final class Table {
    private Table() {
    }

    static String render(List<? extends Map<String, ?>> rows) {
        if (rows.isEmpty()) {
            return "No resources found.\n";
        }
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(row -> columns.addAll(row.keySet()));
        List<String> names = new ArrayList<>(columns);
        int[] widths = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            widths[i] = names.get(i).length();
            for (Map<String, ?> row : rows) {
                widths[i] = Math.max(widths[i], cell(row.get(names.get(i))).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, names.stream().map(n -> n.toUpperCase(Locale.ROOT)).toList(), widths);
        for (Map<String, ?> row : rows) {
            line(out, names.stream().map(n -> cell(row.get(n))).toList(), widths);
        }
        return out.toString();
    }

    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return value.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            boolean last = i == cells.size() - 1;
            out.append(last ? cells.get(i) : String.format("%-" + (widths[i] + 3) + "s", cells.get(i)));
        }
        out.append('\n');
    }
}
