package io.converged.gluster.tools.bench;

import io.converged.gluster.tools.bench.Report.Row;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Footprint of the servers: the resident memory of the ones deploy/local/up started, idle; and,
 * for fresh instances on their own sockets, the time from process start to the first ready Probe
 * and the resident memory once idle — with deploy/local/up's JVM flags, with a plain
 * {@code java -jar}, and with deploy/local/up's flags plus an application class-data archive.
 */
final class Footprint {
    private static final long SETTLE_MS = 2000;
    private static final long READY_WITHIN_MS = 30_000;

    private record Server(String name, String commandKey, String pidKey, double readyTargetMs, long rssTargetMib) {
    }

    private static final List<Server> SERVERS = List.of(
            new Server("controller", "CONTROLLER_CMD", "CONTROLLER_PID", 2000, 128),
            new Server("node", "NODE_CMD", "NODE_PID", 1000, 64));

    private final Bench bench;
    private final Path work;

    Footprint(Bench bench) {
        this.bench = bench;
        this.work = bench.dir().resolve("bench-footprint");
    }

    void measure() throws IOException, InterruptedException {
        Files.createDirectories(work);
        Report report = bench.report();
        for (Server server : SERVERS) {
            long rss = Procs.rssKib(Long.parseLong(bench.env().get(server.pidKey())));
            report.add(new Row("footprint", server.name() + " idle RSS (started by deploy/local/up)",
                    rss / 1024 + " MiB", "", "", "<= " + server.rssTargetMib() + " MiB",
                    Report.verdict(rss >= 0 && rss / 1024.0 <= server.rssTargetMib())));
        }
        for (Server server : SERVERS) {
            // Each variant brings its own class-data sharing setting; up's may be to dump or to map an archive.
            List<String> up = withoutClassDataSharing(bench.env().argv(server.commandKey()));
            Path archive = work.resolve(server.name() + ".jsa");
            List<Variant> variants = new ArrayList<>(List.of(new Variant("deploy/local/up flags, no AppCDS", up),
                    new Variant("plain java -jar", plain(up))));
            if (dumpArchive(server, up, archive)) {
                variants.add(new Variant("up flags + AppCDS archive",
                        withJvmFlag(up, "-XX:SharedArchiveFile=" + archive)));
            }
            for (Variant variant : variants) {
                List<Double> ready = new ArrayList<>();
                List<Double> rss = new ArrayList<>();
                for (int i = 0; i < bench.footprintRuns(); i++) {
                    double[] measured = startOnce(server, variant.argv(), null);
                    if (measured != null) {
                        ready.add(measured[0]);
                        rss.add(measured[1]);
                    }
                }
                double readyMs = Stats.median(ready);
                double rssMib = Stats.median(rss);
                boolean isUp = variant.name().startsWith("deploy");
                report.add(new Row("footprint", server.name() + " start to ready Probe (" + variant.name() + ", n="
                        + ready.size() + ")", Report.millis(readyMs), "", "", isUp ? "<= "
                        + Report.millis(server.readyTargetMs()) : "", isUp ? Report.verdict(readyMs
                        <= server.readyTargetMs()) : ""));
                report.add(new Row("footprint", server.name() + " idle RSS after start (" + variant.name() + ")",
                        Double.isNaN(rssMib) ? "-" : String.format(Locale.ROOT, "%.0f MiB", rssMib), "", "",
                        isUp ? "<= " + server.rssTargetMib() + " MiB" : "", isUp ? Report.verdict(rssMib
                        <= server.rssTargetMib()) : ""));
                bench.note("footprint: " + server.name() + " (" + variant.name() + ") ready in "
                        + Report.millis(readyMs) + ", " + Math.round(rssMib) + " MiB");
            }
        }
    }

    private record Variant(String name, List<String> argv) {
    }

    /** {@code java -jar JAR ARGS}: the command without any JVM flag. */
    static List<String> plain(List<String> command) {
        int jar = command.indexOf("-jar");
        if (jar < 0 || jar + 1 >= command.size()) {
            throw new IllegalArgumentException("not a java -jar command: " + command);
        }
        List<String> plain = new ArrayList<>(List.of(command.get(0)));
        plain.addAll(command.subList(jar, command.size()));
        return plain;
    }

    /** The command without application class-data sharing flags. */
    static List<String> withoutClassDataSharing(List<String> command) {
        return command.stream().filter(a -> !a.startsWith("-XX:SharedArchiveFile=")
                && !a.startsWith("-XX:ArchiveClassesAtExit=")).toList();
    }

    /** The command with one more JVM flag right after {@code java}. */
    static List<String> withJvmFlag(List<String> command, String flag) {
        List<String> with = new ArrayList<>(command);
        with.add(1, flag);
        return with;
    }

    /** The command with the value after {@code flag} replaced. */
    static List<String> replacing(List<String> command, String flag, String value) {
        List<String> replaced = new ArrayList<>(command);
        int i = replaced.indexOf(flag);
        if (i < 0 || i + 1 >= replaced.size()) {
            throw new IllegalArgumentException(flag + " missing from " + command);
        }
        replaced.set(i + 1, value);
        return replaced;
    }

    /**
     * Runs the server once with -XX:ArchiveClassesAtExit, up to a ready Probe, and stops it: the
     * archive is dumped at exit.
     */
    private boolean dumpArchive(Server server, List<String> up, Path archive) throws IOException, InterruptedException {
        Files.deleteIfExists(archive);
        startOnce(server, withJvmFlag(up, "-XX:ArchiveClassesAtExit=" + archive), archive);
        boolean made = Files.isRegularFile(archive);
        if (!made) {
            bench.note("footprint: no class-data archive was written for the " + server.name());
        }
        return made;
    }

    /**
     * Starts a fresh instance on its own socket; returns {ms to ready, idle RSS MiB}, or null when
     * it never got ready.
     */
    private double[] startOnce(Server server, List<String> base, Path archive)
            throws IOException, InterruptedException {
        String id = server.name() + "-" + System.nanoTime();
        Path socket = work.resolve(id + ".sock");
        List<String> argv = replacing(base, "--endpoint", "unix://" + socket);
        if (argv.contains("--state-dir")) {
            argv = replacing(argv, "--state-dir", work.resolve(id + "-state").toString());
        }
        Path logFile = work.resolve(id + ".log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            double readyMs = Double.NaN;
            while ((System.nanoTime() - start) / 1e6 < READY_WITHIN_MS && process.isAlive()) {
                if (Files.exists(socket) && Bench.probeReady(socket)) {
                    readyMs = (System.nanoTime() - start) / 1e6;
                    break;
                }
                Thread.sleep(5);
            }
            if (Double.isNaN(readyMs)) {
                bench.note("footprint: the " + server.name() + " did not get ready; see " + logFile);
                return null;
            }
            Thread.sleep(SETTLE_MS);
            double rssMib = Procs.rssKib(process.pid()) / 1024.0;
            return new double[] {readyMs, rssMib};
        } finally {
            process.destroy();
            if (!process.waitFor(archive == null ? 10 : 60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(socket);
            Bench.deleteTree(work.resolve(id + "-state"));
        }
    }
}
