package io.converged.gluster.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What /proc says about processes: resident memory, and the gluster processes of one local pool. */
final class Procs {
    private Procs() {
    }

    /** The gluster processes of a pool and their summed resident memory. */
    record Gluster(int processes, int brickProcesses, long rssKib) {
    }

    /** MemAvailable of the machine in MiB, or -1 when unknown. */
    static long availableMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.substring(13).strip().split("\\s+")[0]) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** VmRSS of a process in KiB, or -1 when it is gone. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * glusterd, glusterfsd and glusterfs processes whose command line names the pool's directory or
     * fetches its volfiles from one of its peers — the way deploy/local/down finds them.
     */
    static Gluster glusterOf(Path poolDir, List<String> peers) {
        int count = 0;
        int bricks = 0;
        long rss = 0;
        String dir = poolDir.toString() + "/";
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                List<String> argv;
                try {
                    argv = Arrays.asList(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .split("\0"));
                } catch (IOException e) {
                    continue;
                }
                if (argv.isEmpty()) {
                    continue;
                }
                String exe = Path.of(argv.get(0)).getFileName() == null ? "" : Path.of(argv.get(0)).getFileName()
                        .toString();
                if (!exe.equals("glusterd") && !exe.equals("glusterfsd") && !exe.equals("glusterfs")) {
                    continue;
                }
                boolean ours = false;
                for (int k = 0; k < argv.size(); k++) {
                    String a = argv.get(k);
                    if (a.contains(dir)) {
                        ours = true;
                    }
                    for (String peer : peers) {
                        if (a.equals("--volfile-server=" + peer)
                                || (a.equals("-s") && k + 1 < argv.size() && argv.get(k + 1).equals(peer))) {
                            ours = true;
                        }
                    }
                }
                if (ours) {
                    count++;
                    if (exe.equals("glusterfsd")) {
                        bricks++;
                    }
                    long kib = rssKib(Long.parseLong(p.getFileName().toString()));
                    rss += Math.max(kib, 0);
                }
            }
        } catch (IOException e) {
            return new Gluster(-1, -1, -1);
        }
        return new Gluster(count, bricks, rss);
    }
}
