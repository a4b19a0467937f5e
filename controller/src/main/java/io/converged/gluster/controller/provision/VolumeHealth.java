package io.converged.gluster.controller.provision;

/** Whether a volume serves as it should; when abnormal, a message a person can act on. */
public record VolumeHealth(boolean abnormal, String message) {
    public static final VolumeHealth OK = new VolumeHealth(false, "all bricks online");
}
