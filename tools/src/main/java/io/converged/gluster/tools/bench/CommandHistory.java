package io.converged.gluster.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * glusterd's command history ({@code cmd_history.log} of the peer the commands were sent to): when
 * each command finished. It tells how long each volume's {@code quota enable} took on the gluster
 * side, whoever sent it: the time from its {@code volume start} finishing to its
 * {@code quota enable} finishing.
 */
final class CommandHistory {
    private static final Pattern LINE = Pattern.compile(
            "^\\[(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+) [+-]\\d{4}\\]\\s*:\\s*volume (start|quota) (\\S+)"
                    + "( enable)?.* : SUCCESS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private CommandHistory() {
    }

    /** Milliseconds each volume's quota enable took, by volume name; volumes without both lines are absent. */
    static Map<String, Double> quotaEnableMillis(Path log) throws IOException {
        Map<String, LocalDateTime> started = new HashMap<>();
        Map<String, Double> enable = new HashMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            LocalDateTime at = LocalDateTime.parse(m.group(1), TIME);
            String volume = m.group(3);
            if (m.group(2).equals("start")) {
                started.put(volume, at);
            } else if (m.group(4) != null && started.containsKey(volume)) {
                enable.put(volume, Duration.between(started.get(volume), at).toNanos() / 1e6);
            }
        }
        return enable;
    }
}
