package io.converged.gluster.csi.context;

/**
 * The keys of the volume context the controller writes into every CreateVolume answer and the node
 * reads when it mounts. Kubernetes keeps them on the PersistentVolume, so {@code kubectl describe pv}
 * shows them as the volume's attributes. Lists are comma-separated.
 */
public final class VolumeContext {
    /**
     * The gluster volume that is mounted: the volume of a dedicated claim (also its CSI volume id),
     * or the pool of a shared claim.
     */
    public static final String GLUSTER_VOLUME = "glusterVolume";
    /** A shared claim's pool (the gluster volume it is a directory of); absent for a dedicated volume. */
    public static final String POOL = "pool";
    /** A shared claim's directory directly under the pool's root; the node mounts {@code SERVER:/POOL/DIRECTORY}. */
    public static final String DIRECTORY = "directory";
    /** Addresses of the peers holding a brick, in brick order; the first is mounted from, the rest are backups. */
    public static final String SERVERS = "servers";
    /** Replica count: 1, 2 or 3. */
    public static final String REPLICA = "replica";
    /** {@code true} when the third brick is an arbiter (replica 3 arbiter 1). */
    public static final String ARBITER = "arbiter";
    /** The bricks as gluster names them, {@code address:/path}. */
    public static final String BRICKS = "bricks";
    /** The brick root on the peers under which the bricks were carved. */
    public static final String BRICK_ROOT = "brickRoot";
    /** The group id the volume's root belongs to (mode 2775), when one was allocated. */
    public static final String GID = "gid";
    /** The quota limit in bytes, as provisioned (grows on expansion; the PV's capacity field is authoritative). */
    public static final String QUOTA_BYTES = "quotaBytes";
    /** What happens to the bricks when the volume is deleted: delete, retain or archive. */
    public static final String ON_DELETE = "onDelete";
    /**
     * The gluster volume options the driver set (from the StorageClass's and VolumeAttributesClasses'
     * {@code volumeOptions}) with their values now, {@code key=value,...}. Only in the answers of
     * ControllerGetVolume and ListVolumes, never in CreateVolume's: Kubernetes keeps that answer on the
     * PersistentVolume for good, and a VolumeAttributesClass may change the options later, so there it
     * would go stale. On the PV, the VolumeAttributesClass field says which class is in force.
     */
    public static final String VOLUME_OPTIONS = "volumeOptions";

    private VolumeContext() {
    }
}
