package io.converged.gluster.controller.it;

import io.converged.gluster.csi.v1.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tests' own FUSE mounts of CSI volumes, as a pod would see them: {@code SERVER:/VOLUME} for a
 * dedicated volume, {@code SERVER:/POOL/DIRECTORY} for a claim. Unmounted by {@link #close()}.
 */
final class VolumeMounts implements AutoCloseable {
    private final Path base;
    private final List<Path> mounted = new ArrayList<>();
    private int next;

    VolumeMounts(Path base) {
        this.base = base;
    }

    /** Mounts the volume as its context says and returns the mount point. */
    Path mount(Volume volume) throws IOException {
        Map<String, String> context = volume.getVolumeContextMap();
        String server = context.get("servers").split(",")[0];
        String path = context.get("glusterVolume") + (context.containsKey("directory")
                ? "/" + context.get("directory") : "");
        Path dir = Files.createDirectories(base.resolve("m" + next++));
        FileTrees.run("mount", "-t", "glusterfs", "-o", "log-file=" + base.resolve("client-" + next + ".log"),
                server + ":/" + path, dir.toString());
        mounted.add(dir);
        return dir;
    }

    void unmount(Path dir) throws IOException {
        FileTrees.run("umount", dir.toString());
        mounted.remove(dir);
    }

    @Override
    public void close() throws IOException {
        for (Path dir : List.copyOf(mounted)) {
            unmount(dir);
        }
    }
}
