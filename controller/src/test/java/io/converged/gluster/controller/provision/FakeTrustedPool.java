package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.Driver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link FakePeers} for the tests of other packages (the shared-pool layout): peers whose gluster
 * keeps what it builds, the {@link TrustedPool} and {@link VolumeCreator} on them, shared pools and
 * dedicated volumes as the driver leaves them, and what ran. Peer {@code i} has address
 * {@code 10.0.0.<i>}; commands show as {@code "p1: gluster volume quota P limit-usage /D 1073741824"}
 * or {@code "p1: mount -t glusterfs ..."}.
 */
public final class FakeTrustedPool {
    private final FakePeers peers;
    private final BrickCarver carver = new BrickCarver(FakePeers.CLOCK);
    private final TrustedPool trusted;

    /** Peers {@code p1} to {@code p<count>}, each with 100 GiB free under every brick root. */
    public FakeTrustedPool(int count) {
        peers = new FakePeers(count).keepsWhatItBuilds();
        trusted = new TrustedPool(peers, carver, Runnable::run);
    }

    /** The clock the fakes run on: 2025-01-02T03:04:05Z, always. */
    public static Clock clock() {
        return FakePeers.CLOCK;
    }

    /** What {@code stat -f} reports free in a pool's mount (and under every brick root). */
    public static long freeBytes() {
        return FakePeers.FREE_BYTES;
    }

    public TrustedPool trusted() {
        return trusted;
    }

    /** A creator on these peers; its remover and its listener are the given listener's. */
    public VolumeCreator creator(Step.Listener listener, Lock gids) {
        VolumeRemover remover = new VolumeRemover(trusted, carver, listener, List.of("/mnt"), new ReentrantLock());
        return new VolumeCreator(trusted, carver, remover, listener, gids);
    }

    /**
     * Gluster has the shared pool as {@link VolumeCreator#ensurePool} leaves it: started, quota on,
     * its strict quota timeouts, and its metadata; one brick {@code <brickRoot>/<name>/brick} on each of
     * the first {@code replica} peers.
     */
    public FakeTrustedPool hasPool(String name, String brickRoot, int replica) {
        List<String> bricks = new ArrayList<>();
        for (int i = 1; i <= replica; i++) {
            bricks.add(peers.peer(i).brick(BrickCarver.brickDir(brickRoot, name)));
        }
        FakePeers.Volume volume = FakePeers.Volume.named(name).bricks(bricks);
        VolumeMetadata.forNewPool(brickRoot, QuotaEnforcement.STRICT).forEach(volume::option);
        peers.has(volume);
        return this;
    }

    /** Gluster has a dedicated volume of this driver, on the first three peers, recording the GID if any. */
    public FakeTrustedPool hasDedicated(String name, OptionalInt gid) {
        String brickRoot = StorageClassParameters.DEFAULT_BRICK_ROOT;
        String brick = BrickCarver.brickDir(brickRoot, name);
        FakePeers.Volume volume = FakePeers.Volume.named(name)
                .bricks(List.of(peers.peer(1).brick(brick), peers.peer(2).brick(brick), peers.peer(3).brick(brick)))
                .option(VolumeMetadata.DRIVER, Driver.NAME)
                .option(VolumeMetadata.REQUEST_NAME, "pvc-" + name)
                .option(VolumeMetadata.CAPACITY, Long.toString(Capacity.GIB))
                .option(VolumeMetadata.BRICK_ROOT, brickRoot)
                .option(VolumeMetadata.ON_DELETE, "delete")
                .limit(Capacity.GIB);
        gid.ifPresent(g -> volume.option(VolumeMetadata.GID, Integer.toString(g)));
        peers.has(volume);
        return this;
    }

    /** The listener hears each command as it runs, as {@link #log()} shows it. */
    public FakeTrustedPool echo(Consumer<String> listener) {
        peers.echo(listener);
        return this;
    }

    /** The listener hears each command that changes something (no read) as it runs. */
    public FakeTrustedPool echoWrites(Consumer<String> listener) {
        peers.echo(line -> {
            if (FakePeers.isWrite(line)) {
                listener.accept(line);
            }
        });
        return this;
    }

    /** Gluster refuses the commands whose arguments (after {@code gluster --mode=script}) start so. */
    public FakeTrustedPool refuses(String opErrstr, String... glusterArgs) {
        peers.when(FakePeers.gluster(glusterArgs), FakePeers.refused(opErrstr));
        return this;
    }

    /** On peer {@code i}, the commands whose argv starts so exit with this code and stderr. */
    public FakeTrustedPool fails(int i, int exitCode, String stderr, String... commandStart) {
        peers.when(i, FakePeers.command(commandStart), FakePeers.exit(exitCode, stderr));
        return this;
    }

    /** On peer {@code i}, the commands whose argv starts so succeed and print this. */
    public FakeTrustedPool prints(int i, String stdout, String... commandStart) {
        peers.when(i, FakePeers.command(commandStart), FakePeers.ok(stdout));
        return this;
    }

    /** The pool mounts of peer {@code i} reach no brick (see {@link FakePeers#bricksUnreachable}). */
    public FakeTrustedPool bricksUnreachable(int i) {
        peers.bricksUnreachable(i);
        return this;
    }

    /** The FUSE client of peer {@code i}'s mount at {@code dir} died: the mount point answers ENOTCONN. */
    public FakeTrustedPool clientDies(int i, String dir) {
        peers.clientDies(i, dir);
        return this;
    }

    /** Gluster forgot the limit of this path of the volume: quota list shows it without one (N/A). */
    public FakeTrustedPool lostLimit(String volume, String path) {
        peers.forgetLimit(volume, path);
        return this;
    }

    /** Whether gluster has a volume of that name now. */
    public boolean hasVolumeNamed(String name) {
        return peers.volumeNames().contains(name);
    }

    /** Every command, in the order it ran. */
    public List<String> log() {
        return peers.log();
    }

    /** {@link #log()} without the commands that only read. */
    public List<String> writes() {
        return peers.writes();
    }
}
