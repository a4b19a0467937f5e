package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.CsiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the CSI controller service asks of the storage: the gluster implementation carves bricks
 * and runs gluster commands on the peers; tests may supply another. Every method reads gluster's
 * state afresh, so a restarted controller knows everything a previous one did. Failures are
 * {@link CsiException}s with the code the call answers.
 */
public interface VolumeBackend {

    /**
     * Creates the volume, or returns it when it already exists as asked; finishes or removes a
     * volume a crashed call left half-made.
     */
    ProvisionedVolume create(VolumeRequest request) throws CsiException;

    /**
     * Creates the volume as {@link #create} does, for a copy to fill before CreateVolume answers it (a
     * restore or a clone); {@link #create} of the same request, once the copy is done, finishes it. A layout
     * may hold back the quota limit meanwhile (gluster checks a limit on every write of the copy); both of
     * this driver's do. By default this is {@link #create}.
     */
    default ProvisionedVolume createToFill(VolumeRequest request) throws CsiException {
        return create(request);
    }

    /** Deletes the volume and deals with its bricks as its onDelete says; a missing volume is not an error. */
    void delete(String volumeId) throws CsiException;

    /** Raises the volume's quota to at least the given size; returns the volume as it now is. */
    ProvisionedVolume expand(String volumeId, long bytes) throws CsiException;

    /**
     * Gives a live volume the gluster volume options a VolumeAttributesClass asks for (already
     * checked); NOT_FOUND for a volume that does not exist, INVALID_ARGUMENT where they cannot change.
     */
    void modify(String volumeId, Map<String, String> volumeOptions) throws CsiException;

    /** The volume, if it exists and belongs to this driver. */
    Optional<ProvisionedVolume> find(String volumeId) throws CsiException;

    /** All volumes of this driver, sorted by id. */
    List<ProvisionedVolume> list() throws CsiException;

    /** The volume's condition now: bricks online, heal backlog and split-brain entries (a claim: its pool's). */
    VolumeHealth health(String volumeId) throws CsiException;

    /**
     * The conditions of these volumes (a ListVolumes page), by id, in a few gluster calls whatever their
     * number: bricks as gluster shows them now, heal figures from the last background round.
     */
    Map<String, VolumeHealth> healthOf(List<ProvisionedVolume> volumes) throws CsiException;

    /** The largest volume that could be created now with these parameters, in bytes (0 if none). */
    long largestPlaceable(StorageClassParameters parameters) throws CsiException;

    /** True when at least one peer answers. */
    boolean anyPeerAnswers();

    /**
     * A first look, without locks, for volumes whose quota gluster does not show as promised: quota
     * off, no limit or another one than the recorded capacity, or quota timeouts that are not their
     * class's enforcement. Few gluster calls: one list for a pool's claims, one per dedicated volume.
     */
    default List<String> quotaSuspects() throws CsiException {
        return List.of();
    }

    /**
     * Looks at one volume again and repairs its quota as {@link #quotaSuspects} describes; the caller
     * holds the volume's lock, so no create or expand of it runs meanwhile.
     *
     * @return what was repaired, in words for the log; empty when gluster showed it right after all
     */
    default Optional<String> repairQuota(String volumeId) throws CsiException {
        return Optional.empty();
    }
}
