package io.converged.gluster.csi.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts about this driver that every server reports the same way. */
public final class Driver {
    /** The CSI driver name; StorageClasses name it as their provisioner. */
    public static final String NAME = "glusterfs.converged.io";

    private static final String VERSION = loadVersion();

    private Driver() {
    }

    /** The project version the jar was built from. */
    public static String version() {
        return VERSION;
    }

    private static String loadVersion() {
        try (InputStream in = Driver.class.getResourceAsStream("/gluster-csi.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build's version resource", e);
        }
    }
}
