package io.converged.gluster.csi.testing;

import java.io.IOException;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real {@link LocalGlusterPool} per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);
 * ...
 * POOL.pool().peer(1).cli()
 * }</pre>
 *
 * The pool starts before the first test of the class and is torn down after the last, also when
 * tests fail. After teardown the extension fails the class if any gluster process or FUSE mount
 * of a test pool is left on the machine.
 */
public final class GlusterPoolExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private static final Logger LOG = Logger.getLogger(GlusterPoolExtension.class.getName());

    private final int peers;
    private final boolean formed;
    private volatile LocalGlusterPool pool;
    private volatile long startMillis;

    private GlusterPoolExtension(int peers, boolean formed) {
        this.peers = peers;
        this.formed = formed;
    }

    /** N peers already probed into one pool, all Connected. */
    public static GlusterPoolExtension formed(int peers) {
        return new GlusterPoolExtension(peers, true);
    }

    /** N running glusterd that have not been probed: each is a pool of one. */
    public static GlusterPoolExtension unformed(int peers) {
        return new GlusterPoolExtension(peers, false);
    }

    /** The running pool; only valid between the class's first and last test. */
    public LocalGlusterPool pool() {
        LocalGlusterPool current = pool;
        if (current == null) {
            throw new IllegalStateException("no pool: register GlusterPoolExtension on a static field");
        }
        return current;
    }

    /** How long the pool took to start (and form), in milliseconds, not counting waits for the lock. */
    public long startMillis() {
        return startMillis;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        long start = System.nanoTime();
        pool = formed ? LocalGlusterPool.startFormed(peers) : LocalGlusterPool.startUnformed(peers);
        startMillis = (System.nanoTime() - start) / 1_000_000 - pool.lockWaitMillis();
        LOG.info(() -> (formed ? "formed " : "unformed ") + peers + "-peer test pool up in " + startMillis
                + " ms (after " + pool.lockWaitMillis() + " ms waiting for the lock) at " + pool.dir());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        pool();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LocalGlusterPool current = pool;
        pool = null;
        if (current == null) {
            return;
        }
        current.close();
        List<String> left = current.leftAfterClose();
        if (!left.isEmpty()) {
            throw new IllegalStateException("the test pool left these behind:\n" + String.join("\n", left));
        }
    }
}
