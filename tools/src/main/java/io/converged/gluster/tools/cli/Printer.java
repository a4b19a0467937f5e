package io.converged.gluster.tools.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * How {@code gluster-csi-ctl} prints an answer on stdout: with {@code -o json} the JSON of the whole
 * answer (the shape scripts such as {@code deploy/local/run} read), else a {@link Table} of its rows.
 * It owns the JSON layout and the ordered rows the commands build; progress and warnings are not its
 * business (they go to stderr, see {@link Ctl#progress()}).
 */
final class Printer {
    /** JSON as scripts read it: {@code "key": value}, two spaces a level, one array element a line. */
    private static final ObjectWriter JSON = JsonMapper.shared().writer().with(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectNameValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /** How answers are printed ({@code -o}). */
    enum Format {
        TABLE, JSON;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final PrintWriter out;
    private final Supplier<Format> format;

    /** Prints to {@code out} in the format {@code format} gives once the command line is parsed. */
    Printer(PrintWriter out, Supplier<Format> format) {
        this.out = out;
        this.format = format;
    }

    /** Whether {@code -o json} was asked for. */
    boolean json() {
        return format.get() == Format.JSON;
    }

    /** Where answers that are neither JSON nor a table (a description, a script) are written. */
    PrintWriter out() {
        return out;
    }

    /** Prints JSON of the whole answer, or a table of the rows. */
    void print(Object whole, List<? extends Map<String, ?>> rows) {
        if (json()) {
            out.println(json(whole));
        } else {
            out.print(Table.render(rows));
        }
    }

    /** Prints one row: as JSON, or as a table of that row. */
    void printOne(Map<String, ?> row) {
        print(row, List.of(row));
    }

    /** The JSON {@code -o json} prints for an answer. */
    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** A row whose columns keep the order given: key, value, key, value... */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }
}
