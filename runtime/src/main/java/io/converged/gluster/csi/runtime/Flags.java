package io.converged.gluster.csi.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small command-line parser: {@code --name value} or {@code --name=value}, plus {@code --help}.
 * Kept tiny on purpose, since the node server runs on every node and must start fast.
 */
public final class Flags {
    private final String program;
    private final String summary;
    private final Map<String, Option> options = new LinkedHashMap<>();

    public Flags(String program, String summary) {
        this.program = program;
        this.summary = summary;
    }

    /** Declares an option; a null default means the option is required. */
    public Flags option(String name, String defaultValue, String help) {
        options.put(name, new Option(name, defaultValue, help));
        return this;
    }

    /** Parses the arguments. Returns null when {@code --help} was asked for. */
    public Parsed parse(String[] args) throws UsageException {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!options.containsKey(name)) {
                throw new UsageException("unknown flag --" + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("flag --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (values.put(name, value) != null) {
                throw new UsageException("flag --" + name + " given twice");
            }
        }
        List<String> missing = new ArrayList<>();
        for (Option option : options.values()) {
            if (!values.containsKey(option.name) && option.defaultValue == null) {
                missing.add("--" + option.name);
            }
        }
        if (!missing.isEmpty()) {
            throw new UsageException("missing required flag(s): " + String.join(", ", missing));
        }
        return new Parsed(values);
    }

    /** The help text. */
    public String usage() {
        StringBuilder text = new StringBuilder();
        text.append("Usage: ").append(program).append(" [flags]\n").append(summary).append("\n\nFlags:\n");
        for (Option option : options.values()) {
            text.append(String.format("  --%-24s %s", option.name + " VALUE", option.help));
            if (option.defaultValue == null) {
                text.append(" (required)");
            } else if (!option.defaultValue.isEmpty()) {
                text.append(" (default ").append(option.defaultValue).append(')');
            }
            text.append('\n');
        }
        text.append(String.format("  --%-24s %s%n", "help", "print this help and exit"));
        return text.toString();
    }

    private record Option(String name, String defaultValue, String help) {
    }

    /** Parsed values, defaults filled in. */
    public final class Parsed {
        private final Map<String, String> values;

        private Parsed(Map<String, String> values) {
            this.values = values;
        }

        public String get(String name) {
            Option option = options.get(name);
            if (option == null) {
                throw new IllegalArgumentException("no such flag declared: " + name);
            }
            return values.getOrDefault(name, option.defaultValue);
        }

        public boolean isSet(String name) {
            return values.containsKey(name);
        }

        public int getInt(String name) throws UsageException {
            String value = get(name);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new UsageException("flag --" + name + " needs a whole number, got '" + value + "'");
            }
        }
    }
}
