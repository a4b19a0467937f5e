package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.BrickQuota;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.QuotaEnforcement;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeMetadata;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quota side of shared pools: a claim's limit set (and read back) or removed, one pool's limits
 * one at a time in this process rather than by contending for glusterd's lock; the limits gluster
 * shows for many claims at once; a pool's own quota settings checked and set again.
 */
final class ClaimLimits {
    /** Paths listed per {@code quota list} call: gluster takes them all in one argv. */
    private static final int LIST_CHUNK = 200;
    /** A brick's attribute is read on its peer in milliseconds; a peer that takes longer is passed by. */
    private static final Duration BRICK_READ_TIMEOUT = Duration.ofSeconds(10);

    private final TrustedPool trusted;
    /** One lock per pool name: its limits are changed one at a time. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    ClaimLimits(TrustedPool trusted) {
        this.trusted = trusted;
    }

    private Object lockOf(String pool) {
        return locks.computeIfAbsent(pool, name -> new Object());
    }

    /** Sets the directory's hard limit and sees that gluster shows it (see {@link #onTheBricks}). */
    void set(VolumeInfo pool, String directory, long bytes) throws CsiException {
        List<Peer> peers = trusted.peers();
        synchronized (lockOf(pool.name())) {
            trusted.ask(peers, cli -> {
                cli.setQuotaLimit(pool.name(), "/" + directory, bytes, (volume, path) -> {
                    Optional<OptionalLong> onBrick = onTheBricks(pool, peers, path, bytes);
                    return onBrick.isPresent() ? onBrick : cli.listedHardLimit(volume, path);
                });
                return null;
            });
        }
    }

    /** Removes the directory's limit; one it does not have is fine. */
    void remove(String pool, String directory) throws CsiException {
        List<Peer> peers = trusted.peers();
        synchronized (lockOf(pool)) {
            trusted.ask(peers, cli -> {
                cli.quotaRemove(pool, "/" + directory);
                return null;
            });
        }
    }

    /**
     * The limit on a directory as the pool's bricks show it (a few ms each, where {@code quota list
     * PATH} costs a gluster CLI call): {@code bytes} as soon as one brick shows it (a brick that was down
     * when the limit was set shows the old one until it is healed), otherwise what the first brick that
     * could be read shows; empty when no brick's peer can tell.
     */
    private static Optional<OptionalLong> onTheBricks(VolumeInfo info, List<Peer> peers, String path, long bytes) {
        Optional<OptionalLong> first = Optional.empty();
        for (Brick brick : info.bricks()) {
            Optional<Peer> host = peers.stream().filter(peer -> peer.address().equals(brick.host())).findFirst();
            if (host.isEmpty()) {
                continue;
            }
            Optional<OptionalLong> limit = BrickQuota.hardLimit(host.get().runner(), brick.path() + path,
                    BRICK_READ_TIMEOUT);
            if (limit.isPresent() && limit.get().equals(OptionalLong.of(bytes))) {
                return limit;
            }
            if (first.isEmpty()) {
                first = limit;
            }
        }
        return first;
    }

    /** The hard limits gluster shows for the claims' directories, by path, in one call per {@value #LIST_CHUNK}. */
    Map<String, Long> shown(List<Peer> peers, String pool, List<ProvisionedVolume> claims) throws CsiException {
        List<String> paths = claims.stream().map(c -> "/" + c.directory()).toList();
        Map<String, Long> shown = new HashMap<>();
        for (int from = 0; from < paths.size(); from += LIST_CHUNK) {
            List<String> chunk = paths.subList(from, Math.min(paths.size(), from + LIST_CHUNK));
            for (QuotaLimit limit : trusted.onAnyPeer(peers, cli -> cli.quotaList(pool, chunk))) {
                limit.hardLimitBytes().ifPresent(bytes -> shown.put(limit.path(), bytes));
            }
        }
        return shown;
    }

    /** What is wrong with a pool's own quota settings (quota off, timeouts not its enforcement's); empty if none. */
    static Optional<String> poolProblem(VolumeInfo info) {
        Map<String, String> options = info.options();
        if (!"on".equals(options.get("features.quota"))) {
            return Optional.of("quota was off");
        }
        QuotaEnforcement enforcement = VolumeMetadata.quotaEnforcement(options);
        return enforcement.setOn(options) ? Optional.empty()
                : Optional.of("its quota timeouts were not those of quotaEnforcement " + enforcement.value());
    }

    /** Enables quota on the pool and sets its enforcement's timeouts, each only if not so already. */
    void repairPool(List<Peer> peers, VolumeInfo info) throws CsiException {
        QuotaEnforcement enforcement = VolumeMetadata.quotaEnforcement(info.options());
        synchronized (lockOf(info.name())) {
            trusted.ask(peers, cli -> {
                if (!"on".equals(info.options().get("features.quota"))) {
                    cli.quotaEnable(info.name());
                }
                if (!enforcement.setOn(info.options())) {
                    cli.quotaTimeouts(info.name(), enforcement.softSeconds(), enforcement.hardSeconds());
                }
                return null;
            });
        }
    }
}
