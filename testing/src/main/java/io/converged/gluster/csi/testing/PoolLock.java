package io.converged.gluster.csi.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The right to run a test pool on this machine: the one permit of this JVM's pools, then the machine-wide
 * exclusive file lock {@value LocalGlusterPool#LOCK_FILE} (a Java {@link FileLock}, which {@code flock(1)}
 * does not see). A {@link LocalGlusterPool} takes it before it cleans or starts anything and holds it
 * until its teardown is done and checked.
 */
final class PoolLock {
    private static final Logger LOG = Logger.getLogger(LocalGlusterPool.class.getName());
    private static final String LOCK_FILE = LocalGlusterPool.LOCK_FILE;
    private static final Duration LOCK_WAIT = Duration.ofMinutes(20);
    private static final Semaphore IN_JVM = new Semaphore(1, true);

    private final FileChannel channel;
    private final FileLock lock;
    private final long waitedMillis;

    private PoolLock(FileChannel channel, FileLock lock, long waitedMillis) {
        this.channel = channel;
        this.lock = lock;
        this.waitedMillis = waitedMillis;
    }

    /**
     * Waits up to 20 minutes for this JVM's other pool, then up to 20 minutes for other JVMs' pools. On a
     * failure nothing is held.
     */
    static PoolLock take() throws IOException {
        try {
            if (!IN_JVM.tryAcquire(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("another pool in this JVM did not finish within " + LOCK_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the pool lock", e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(Path.of(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long waitStart = System.nanoTime();
            FileLock lock = acquire(channel);
            long waited = (System.nanoTime() - waitStart) / 1_000_000;
            return new PoolLock(channel, lock, waited);
        } catch (IOException | RuntimeException e) {
            releaseQuietly(null, channel);
            IN_JVM.release();
            throw e;
        }
    }

    /** How long the machine-wide lock took: another JVM's pool ran meanwhile. */
    long waitedMillis() {
        return waitedMillis;
    }

    /** Releases the machine-wide lock, then this JVM's permit; call it once. */
    void release() {
        releaseQuietly(lock, channel);
        IN_JVM.release();
    }

    private static FileLock acquire(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        boolean told = false;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (!told) {
                LOG.info("waiting for " + LOCK_FILE + ": another JVM runs a test pool");
                told = true;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no test pool lock (" + LOCK_FILE + ") within " + LOCK_WAIT);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + LOCK_FILE, e);
            }
        }
    }

    private static void releaseQuietly(FileLock lock, FileChannel channel) {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot release " + LOCK_FILE, e);
        }
    }
}
