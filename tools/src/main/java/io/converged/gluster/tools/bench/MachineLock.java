package io.converged.gluster.tools.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds the machine-wide lock of the gluster test pools ({@code /tmp/gluster-csi-test-pool.lock},
 * a Java file lock, as the integration tests take it) until stdin closes or the process is killed.
 * deploy/local/bench runs under it: the tests that use deploy/local's addresses (127.1.1.x) take
 * the same lock, and the figures are taken without other test pools loading the machine.
 * Prints {@code locked} once it holds the lock.
 */
public final class MachineLock {
    private MachineLock() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/gluster-csi-test-pool.lock");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // Held until stdin closes.
            }
        }
    }
}
