package io.converged.gluster.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code DIR/env} as deploy/local/up writes it: {@code KEY=value} or {@code KEY="value"}
 * lines, comments with {@code #}. Values that hold command lines ({@code CONTROLLER_CMD}) are
 * split into argv the way a shell would split {@code printf %q} output: on unquoted blanks, with
 * backslash escapes and single or double quotes. No expansion of any kind.
 */
public final class EnvFile {
    private final Map<String, String> values;

    private EnvFile(Map<String, String> values) {
        this.values = values;
    }

    public static EnvFile read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static EnvFile parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
                continue;
            }
            String value = l.substring(eq + 1);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(l.substring(0, eq), value);
        }
        return new EnvFile(values);
    }

    /** The value, or a failure naming the key. */
    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the env file has no " + key + "; was it written by deploy/local/up?");
        }
        return value;
    }

    /** A blank-separated list value such as {@code GLUSTER_PEERS}. */
    public List<String> list(String key) {
        String value = get(key).strip();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    /** A command-line value split into argv. */
    public List<String> argv(String key) {
        return words(get(key));
    }

    /** Shell word splitting without expansion: blanks separate, {@code \x} is x, quotes group. */
    public static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated quote in: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
