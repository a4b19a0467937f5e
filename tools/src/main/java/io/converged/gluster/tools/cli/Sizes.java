package io.converged.gluster.tools.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Kubernetes-style quantities for the CLI: {@code 1Gi}, {@code 512Mi}, {@code 10G}, plain bytes. */
final class Sizes {
    private Sizes() {
    }

    /** Reads a size option or parameter, so a bad one is bad usage (exit code 2) with a message. */
    static final class Converter implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                long bytes = parse(text);
                if (bytes <= 0) {
                    throw new TypeConversionException("a size must be positive but was '" + text + "'");
                }
                return bytes;
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("expected a size like 1Gi, 512Mi, 10G or bytes but was '"
                        + text + "'");
            }
        }
    }

    static long parse(String text) {
        String t = text.strip();
        String[][] units = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"},
            {"k", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"}};
        for (String[] unit : units) {
            if (t.endsWith(unit[0])) {
                return Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - unit[0].length())),
                        Long.parseLong(unit[1]));
            }
        }
        return Long.parseLong(t);
    }

    static String format(long bytes) {
        String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
        int i = 0;
        long value = bytes;
        while (i < units.length - 1 && value >= 1024 && value % 1024 == 0) {
            value /= 1024;
            i++;
        }
        if (i == 0 && bytes >= 1024) {
            return String.format(Locale.ROOT, "%.1fMi", bytes / 1048576.0);
        }
        return value + units[i];
    }
}
