package io.converged.gluster.controller.provision;

import java.util.List;
import java.util.Optional;

/**
 * What the CSI controller service asks of the storage: the gluster implementation carves bricks
 * and runs gluster commands on the peers; tests may supply another. Every method reads gluster's
 * state afresh, so a restarted controller knows everything a previous one did.
 */
public interface VolumeBackend {

    /**
     * Creates the volume, or returns it when it already exists as asked; finishes or removes a
     * volume a crashed call left half-made.
     */
    Volume create(VolumeSpec spec) throws ProvisionException;

    /** Deletes the volume and deals with its bricks as its onDelete says; a missing volume is not an error. */
    void delete(String volumeId) throws ProvisionException;

    /** Raises the volume's quota to at least the given size; returns the volume as it now is. */
    Volume expand(String volumeId, long bytes) throws ProvisionException;

    /** The volume, if it exists and belongs to this driver. */
    Optional<Volume> find(String volumeId) throws ProvisionException;

    /** All volumes of this driver, sorted by id. */
    List<Volume> list() throws ProvisionException;

    /** Whether the volume's bricks are online. */
    VolumeHealth health(String volumeId) throws ProvisionException;

    /** Health of every volume of this driver, by id, in as few gluster calls as possible. */
    java.util.Map<String, VolumeHealth> healthOfAll() throws ProvisionException;

    /** The largest volume that could be created now with these parameters, in bytes (0 if none). */
    long largestPlaceable(StorageClassParameters parameters) throws ProvisionException;

    /** True when at least one peer answers. */
    boolean anyPeerAnswers();
}
