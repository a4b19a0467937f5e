package io.converged.gluster.csi.exec;

import java.util.Map;

/**
 * The environment the driver runs the gluster CLI with. Each CLI start asks {@code gsyncd --version}
 * whether geo-replication is installed, and gsyncd answers by starting python: measured here (gluster
 * 10.3), about 50 ms of a {@code volume info} that takes 60 ms, and about half of a
 * {@code quota limit-usage}. gsyncd starts the interpreter that {@code PYTHON} names; {@code /bin/true}
 * answers nothing, so the CLI takes geo-replication for absent and leaves out its command, which the
 * driver never runs. glusterd, and any geo-replication session it runs, keep their own environment.
 */
public final class GlusterCliEnvironment {
    /** The variables to add to the environment of each gluster CLI call. */
    public static final Map<String, String> VARIABLES = Map.of("PYTHON", "/bin/true");

    private GlusterCliEnvironment() {
    }
}
