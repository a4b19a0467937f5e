package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * The last steps of making a volume or a pool, for {@link VolumeCreator}: start (asked again when its
 * commit failed on a peer), quota on, the quota timeouts of its enforcement, a dedicated volume's root
 * limit; each only when gluster does not show it done, so a retried create finishes what a crash left.
 */
final class VolumeFinish {
    private static final Logger LOG = Logger.getLogger(VolumeCreator.class.getName());
    /** How many times a volume start whose commit failed on a peer is asked, and the pause between. */
    static final int START_ATTEMPTS = 3;
    private static final Duration START_RETRY_PAUSE = Duration.ofMillis(500);

    private final Step.Listener listener;

    VolumeFinish(Step.Listener listener) {
        this.listener = listener;
    }

    /**
     * Starts the volume. A start whose commit failed on a peer is asked again, up to {@link #START_ATTEMPTS}
     * times: two volume starts running at once on one glusterd can hand the same port to two bricks (GlusterFS
     * 10.3, seen in bursts of concurrent creates: 2 starts of 120), and the brick that loses cannot listen; the
     * next start gives it another port. A start that finds the volume started somewhere (a peer whose commit
     * failed, or a glusterd back from a restart, has it stopped) is forced, which starts only the bricks that
     * do not run, and the pool agrees again.
     */
    private static void start(GlusterCli cli, String name) throws GlusterException {
        for (int attempt = 1;; attempt++) {
            try {
                cli.startVolume(name, false);
                return;
            } catch (GlusterException e) {
                if (e.is(GlusterException.Kind.ALREADY_STARTED)) {
                    cli.startVolume(name, true);
                    return;
                }
                if (attempt >= START_ATTEMPTS || !e.getMessage().toLowerCase(Locale.ROOT).contains("commit failed")) {
                    throw e;
                }
                LOG.warning("volume " + name + ": start failed on a peer (" + e.getMessage() + "), asking again");
                try {
                    Thread.sleep(START_RETRY_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Start, enable quota, the quota timeouts of the volume's enforcement (recorded on a volume made
     * before it was), then limit the root of a dedicated volume and see that gluster shows the limit:
     * each only when the volume does not show it done yet, so a retry finishes the job.
     *
     * @param rootLimit the limit of a dedicated volume's root; empty for a pool, or a volume yet to be filled
     * @param existing the volume as found, or null for one this call just created
     * @return true when anything was done
     */
    boolean finish(GlusterCli cli, String name, OptionalLong rootLimit, VolumeInfo existing) throws CsiException {
        Map<String, String> options = existing == null ? Map.of() : existing.options();
        boolean quotaOn = "on".equals(options.get("features.quota"));
        boolean changed = false;
        try {
            if (existing == null || !existing.started()) {
                start(cli, name);
                changed = true;
            }
            listener.completed(Step.STARTED, name);
            if (!quotaOn) {
                cli.quotaEnable(name);
                changed = true;
            }
            listener.completed(Step.QUOTA_ENABLED, name);
            if (existing != null && (!options.containsKey(VolumeMetadata.QUOTA_ENFORCEMENT)
                    || !VolumeMetadata.quotaEnforcement(options).setOn(options))) {
                QuotaEnforcement enforcement = VolumeMetadata.quotaEnforcement(options);
                cli.quotaTimeouts(name, enforcement.softSeconds(), enforcement.hardSeconds());
                if (!options.containsKey(VolumeMetadata.QUOTA_ENFORCEMENT)) {
                    cli.setOptions(name, VolumeMetadata.recordEnforcement(enforcement));
                }
                LOG.info("volume " + name + ": quota enforcement " + enforcement.value() + " set (soft-timeout "
                        + enforcement.softSeconds() + ", hard-timeout " + enforcement.hardSeconds() + ")");
                changed = true;
            }
            if (rootLimit.isPresent()) {
                long bytes = rootLimit.getAsLong();
                Optional<QuotaLimit> limit = quotaOn ? cli.quotaList(name, VolumeCreator.ROOT) : Optional.empty();
                if (limit.isEmpty() || limit.get().hardLimitBytes().orElse(-1) != bytes) {
                    cli.setQuotaLimit(name, VolumeCreator.ROOT, bytes);
                    changed = true;
                }
            }
            listener.completed(Step.QUOTA_LIMITED, name);
        } catch (CsiException e) {
            throw existing == null ? e : CsiException.during("finishing volume " + name, e);
        } catch (Exception e) {
            throw CsiException.during("finishing volume " + name, e);
        }
        return changed;
    }
}
