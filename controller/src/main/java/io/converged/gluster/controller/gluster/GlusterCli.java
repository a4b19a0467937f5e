package io.converged.gluster.controller.gluster;

import io.converged.gluster.csi.exec.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Typed gluster operations over {@code gluster --mode=script ... --xml}, run on one peer through a
 * {@link CommandRunner}. Every name is validated before it reaches the command line. Failures are
 * {@link GlusterException}s by kind; lock contention ("Another transaction is in progress",
 * "Locking failed") is retried with bounded, jittered backoff and only reaches the caller once the
 * {@link RetryPolicy} is spent. Thread-safe: one instance may serve many concurrent callers.
 */
public final class GlusterCli {
    private static final Logger LOG = Logger.getLogger(GlusterCli.class.getName());

    /** The CLI inside a peer pod: the local glusterd on its default socket. */
    public static final List<String> POD_PREFIX = List.of("gluster", "--mode=script");
    /** Long enough for a stop (about 2 s) on a busy peer; the CLI itself gives up after 120 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(130);

    /** Waits between retries; tests substitute one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * True once a {@code quota list} here has answered a line: this CLI sees glusterd's quota mount, so a
     * list without any line is no longer "cannot tell" but "not there".
     */
    private volatile boolean listsQuota;
    private final GlusterCalls calls;

    public GlusterCli(CommandRunner runner, List<String> prefix) {
        this(runner, prefix, RetryPolicy.DEFAULT, DEFAULT_TIMEOUT,
                d -> Thread.sleep(d.toMillis()), ThreadLocalRandom.current());
    }

    /**
     * @param prefix the argv that runs the CLI against the wanted glusterd, e.g. {@link #POD_PREFIX}
     *     or {@link #localPrefix}; must include {@code --mode=script}
     */
    public GlusterCli(CommandRunner runner, List<String> prefix, RetryPolicy retry, Duration timeout, Sleeper sleeper,
            RandomGenerator random) {
        this(new GlusterCalls(runner, scriptMode(prefix), retry, timeout, sleeper, random));
    }

    private static List<String> scriptMode(List<String> prefix) {
        if (prefix.isEmpty() || !prefix.contains("--mode=script")) {
            throw new IllegalArgumentException("the gluster argv prefix must include --mode=script: " + prefix);
        }
        return List.copyOf(prefix);
    }

    private GlusterCli(GlusterCalls calls) {
        this.calls = calls;
    }

    /** The argv prefix for a glusterd reached through its socket, as several peers on one machine need. */
    public static List<String> localPrefix(Path glusterdSocket, Path cliLog) {
        return List.of("gluster", "--mode=script", "--glusterd-sock=" + glusterdSocket, "--log-file=" + cliLog);
    }

    /** This CLI with another retry policy (e.g. {@link RetryPolicy#NONE}). */
    public GlusterCli withRetry(RetryPolicy policy) {
        return new GlusterCli(calls.withRetry(policy));
    }

    public String describe() {
        return "gluster on " + calls.runner().describe();
    }

    public List<String> prefix() {
        return calls.prefix();
    }

    // ---------------------------------------------------------------- pool

    /** {@code pool list}: every peer including the answering one (marked {@link PoolPeer#self()}). */
    public List<PoolPeer> poolList() throws GlusterException {
        return GlusterXml.poolList(execute(List.of("pool", "list")));
    }

    /** {@code peer probe ADDRESS}; a peer already in the pool (or this peer itself) is success. */
    public void peerProbe(String address) throws GlusterException {
        execute(List.of("peer", "probe", GlusterNames.requireHost(address)));
    }

    /**
     * {@code peer detach ADDRESS}: the peer leaves the pool. Gluster refuses while the peer holds a
     * brick; a disconnected peer that holds none is detached too.
     */
    public void peerDetach(String address) throws GlusterException {
        execute(List.of("peer", "detach", GlusterNames.requireHost(address)));
    }

    /**
     * {@code system:: uuid reset}: this peer takes a new UUID. Gluster allows it only while the peer
     * knows no other peer.
     */
    public void uuidReset() throws GlusterException {
        execute(List.of("system::", "uuid", "reset"));
    }

    // ---------------------------------------------------------------- volumes, read

    public List<String> volumeList() throws GlusterException {
        return GlusterXml.volumeList(execute(List.of("volume", "list")));
    }

    /** {@code volume info V}; empty when there is no such volume. */
    public Optional<VolumeInfo> volumeInfo(String volume) throws GlusterException {
        try {
            List<VolumeInfo> all = GlusterXml.volumeInfo(execute(List.of("volume", "info",
                    GlusterNames.requireVolume(volume))));
            return all.stream().filter(v -> v.name().equals(volume)).findFirst();
        } catch (GlusterException e) {
            if (e.is(GlusterException.Kind.VOLUME_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code volume info}: every volume, in one call. */
    public List<VolumeInfo> volumeInfoAll() throws GlusterException {
        return GlusterXml.volumeInfo(execute(List.of("volume", "info")));
    }

    /**
     * {@code volume status V}. A stopped volume fails with kind {@link GlusterException.Kind#NOT_STARTED};
     * bricks of peers that are down are absent.
     */
    public VolumeStatus volumeStatus(String volume) throws GlusterException {
        List<VolumeStatus> statuses = GlusterXml.volumeStatus(execute(List.of("volume", "status",
                GlusterNames.requireVolume(volume))));
        return statuses.stream().filter(s -> s.name().equals(volume)).findFirst()
                .orElse(new VolumeStatus(volume, List.of()));
    }

    /** {@code volume status all}: every started volume, in one call. */
    public List<VolumeStatus> volumeStatusAll() throws GlusterException {
        return GlusterXml.volumeStatus(execute(List.of("volume", "status", "all")));
    }

    // ---------------------------------------------------------------- volumes, write

    /** {@code volume create} as the spec says; the brick directories must exist on their peers. */
    public void createVolume(VolumeLayout layout) throws GlusterException {
        List<String> args = new ArrayList<>(List.of("volume"));
        args.addAll(layout.createArgs());
        execute(args);
    }

    public void startVolume(String volume, boolean force) throws GlusterException {
        execute(force ? List.of("volume", "start", GlusterNames.requireVolume(volume), "force")
                : List.of("volume", "start", GlusterNames.requireVolume(volume)));
    }

    public void stopVolume(String volume, boolean force) throws GlusterException {
        execute(force ? List.of("volume", "stop", GlusterNames.requireVolume(volume), "force")
                : List.of("volume", "stop", GlusterNames.requireVolume(volume)));
    }

    /** {@code volume delete V}; the volume must be stopped. Brick directories stay on the peers. */
    public void deleteVolume(String volume) throws GlusterException {
        execute(List.of("volume", "delete", GlusterNames.requireVolume(volume)));
    }

    /** Sets all options in ONE transaction ({@code volume set V k1 v1 k2 v2 ...}), in the map's order. */
    public void setOptions(String volume, Map<String, String> options) throws GlusterException {
        if (options.isEmpty()) {
            throw new IllegalArgumentException("no options to set");
        }
        List<String> args = new ArrayList<>(List.of("volume", "set", GlusterNames.requireVolume(volume)));
        options.forEach((key, value) -> {
            args.add(GlusterNames.requireOptionKey(key));
            args.add(GlusterNames.requireOptionValue(value));
        });
        execute(args);
    }

    /**
     * {@code volume replace-brick V OLD NEW commit force}: NEW takes OLD's place in the volume at
     * once, empty, and self-heal fills it from the other replicas. OLD's peer may be down. The NEW
     * directory must exist on its peer.
     */
    public void replaceBrick(String volume, String oldBrick, String newBrick) throws GlusterException {
        execute(List.of("volume", "replace-brick", GlusterNames.requireVolume(volume),
                GlusterNames.requireBrick(oldBrick), GlusterNames.requireBrick(newBrick), "commit", "force"));
    }

    /**
     * {@code volume heal V}: the self-heal daemons crawl the volume's index now rather than at their next round.
     * GlusterFS 10.3 answers this command in plain text even when asked for XML ("Launching heal operation
     * ... has been successful"): a successful exit with that answer is success.
     */
    public void healIndex(String volume) throws GlusterException {
        try {
            execute(List.of("volume", "heal", GlusterNames.requireVolume(volume)));
        } catch (GlusterException e) {
            if (!e.is(GlusterException.Kind.OTHER) || !e.getMessage().contains("no XML answer")
                    || !e.getMessage().contains("has been successful")) {
                throw e;
            }
        }
    }

    /** {@code volume quota V enable}; the volume must be started. Already enabled is success. */
    public void quotaEnable(String volume) throws GlusterException {
        try {
            execute(List.of("volume", "quota", GlusterNames.requireVolume(volume), "enable"));
        } catch (GlusterException e) {
            if (e.kind() != GlusterException.Kind.QUOTA_ALREADY_ENABLED) {
                throw e;
            }
        }
    }

    /** {@code volume quota V limit-usage PATH BYTES}; sets or changes the hard limit. */
    public void quotaLimitUsage(String volume, String path, long bytes) throws GlusterException {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a quota limit must be positive, not " + bytes);
        }
        execute(List.of("volume", "quota", GlusterNames.requireVolume(volume), "limit-usage",
                GlusterNames.requirePath(path), Long.toString(bytes)));
    }

    /** {@link #setQuotaLimit(String, String, long, LimitReader)}, read back with {@link #listedHardLimit}. */
    public void setQuotaLimit(String volume, String path, long bytes) throws GlusterException {
        setQuotaLimit(volume, path, bytes, this::listedHardLimit);
    }

    /**
     * {@code limit-usage}, then the reader to see that gluster shows the limit; set once more when it
     * does not. A CreateVolume answered OK while a peer's glusterd restarted once left a volume without
     * its limit: a limit is only taken as set once gluster shows it, or when the reader cannot tell.
     *
     * @throws GlusterException of kind {@link GlusterException.Kind#LIMIT_NOT_SHOWN} (UNAVAILABLE) when
     *     gluster still does not show it after the second try
     */
    public void setQuotaLimit(String volume, String path, long bytes, LimitReader reader) throws GlusterException {
        OptionalLong shown = OptionalLong.empty();
        for (int attempt = 1; attempt <= 2; attempt++) {
            quotaLimitUsage(volume, path, bytes);
            Optional<OptionalLong> read = reader.hardLimit(volume, path);
            if (read.isEmpty()) {
                LOG.fine(() -> "the limit on " + volume + ":" + path + " cannot be read back from "
                        + calls.runner().describe() + "; limit-usage accepted it");
                return;
            }
            shown = read.get();
            if (shown.isPresent() && shown.getAsLong() == bytes) {
                return;
            }
            int tried = attempt;
            OptionalLong seen = shown;
            LOG.warning(() -> describe() + " does not show the limit of " + bytes + " bytes on "
                    + volume + ":" + path + " it accepted (attempt " + tried + "; it shows "
                    + (seen.isPresent() ? seen.getAsLong() + " bytes" : "none") + ")");
        }
        throw new GlusterException(GlusterException.Kind.LIMIT_NOT_SHOWN, "gluster does not show the quota limit of "
                + bytes + " bytes on " + volume + ":" + path + " after setting it twice (it shows "
                + (shown.isPresent() ? shown.getAsLong() + " bytes" : "none") + ")", 0);
    }

    /**
     * The hard limit {@code quota list PATH} shows. A CLI that lists no line at all for the path (not even
     * one without a limit), and never listed one, cannot see glusterd's quota mount (it runs in another
     * container than glusterd, as the controller image in peers-file mode): it cannot tell.
     */
    public Optional<OptionalLong> listedHardLimit(String volume, String path) throws GlusterException {
        Optional<QuotaLimit> listed = quotaList(volume, path);
        if (listed.isEmpty() && !listsQuota) {
            return Optional.empty();
        }
        return Optional.of(listed.map(QuotaLimit::hardLimitBytes).orElse(OptionalLong.empty()));
    }

    /** {@code volume quota V remove PATH}: the path has no limit afterwards; one that had none is success. */
    public void quotaRemove(String volume, String path) throws GlusterException {
        try {
            execute(List.of("volume", "quota", GlusterNames.requireVolume(volume), "remove",
                    GlusterNames.requirePath(path)));
        } catch (GlusterException e) {
            if (!e.is(GlusterException.Kind.QUOTA_NOT_SET)) {
                throw e;
            }
        }
    }

    /**
     * {@code volume quota V soft-timeout S} and {@code hard-timeout H}: how often, in seconds, the
     * bricks refresh a directory's usage below and above its soft limit. Gluster's defaults (60 and
     * 5) let writes run far past a limit; lower ones hold it closer at some write throughput.
     */
    public void quotaTimeouts(String volume, int softSeconds, int hardSeconds) throws GlusterException {
        execute(List.of("volume", "quota", GlusterNames.requireVolume(volume), "soft-timeout",
                Integer.toString(softSeconds)));
        execute(List.of("volume", "quota", GlusterNames.requireVolume(volume), "hard-timeout",
                Integer.toString(hardSeconds)));
    }

    /**
     * {@code volume quota V list PATH} (with the path: without it gluster wrongly answers "No quota
     * configured"). Empty when quota is enabled but the path has no line.
     */
    public Optional<QuotaLimit> quotaList(String volume, String path) throws GlusterException {
        List<QuotaLimit> limits = GlusterXml.quotaList(execute(List.of("volume", "quota",
                GlusterNames.requireVolume(volume), "list", GlusterNames.requirePath(path))));
        listsQuota |= !limits.isEmpty();
        return limits.stream().filter(l -> l.path().equals(path)).findFirst();
    }

    /**
     * {@code volume quota V list PATH...}: the limit lines of several paths in one call (gluster takes
     * them all at once); a path without a limit has no line.
     */
    public List<QuotaLimit> quotaList(String volume, List<String> paths) throws GlusterException {
        if (paths.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("volume", "quota", GlusterNames.requireVolume(volume), "list"));
        paths.forEach(path -> args.add(GlusterNames.requirePath(path)));
        List<QuotaLimit> limits = GlusterXml.quotaList(execute(args));
        listsQuota |= !limits.isEmpty();
        return limits.stream().filter(l -> paths.contains(l.path())).toList();
    }

    // ---------------------------------------------------------------- heal

    /**
     * {@code volume heal V info summary}: each brick's heal backlog and split-brain entries. The volume
     * must be a started replicated one. The CLI runs glfsheal against the default glusterd socket and
     * does not pass its own {@code --glusterd-sock} on, so when this CLI talks to another socket (peers
     * on one machine) glfsheal is run here directly with that socket, and its text is read instead of XML.
     */
    public HealSummary healSummary(String volume) throws GlusterException {
        GlusterNames.requireVolume(volume);
        Optional<String> socket = calls.prefix().stream().filter(a -> a.startsWith("--glusterd-sock="))
                .map(a -> a.substring("--glusterd-sock=".length())).findFirst();
        if (socket.isEmpty()) {
            return GlusterXml.healSummary(volume, execute(List.of("volume", "heal", volume, "info", "summary")));
        }
        return GlfsHeal.summary(calls.runner(), socket.get(), volume, calls.timeout());
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs {@code PREFIX ARGS --xml}, retrying lock contention; returns the successful answer.
     * Arguments must already be validated.
     */
    GlusterXml.Envelope execute(List<String> args) throws GlusterException {
        return calls.execute(args);
    }
}
