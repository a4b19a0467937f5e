package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.peer.PeerDiscoveryException;
import io.converged.gluster.controller.peer.PeerSource;
import io.converged.gluster.controller.placement.Candidate;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/**
 * Asking gluster's trusted storage pool (the peers, not to be confused with a shared pool volume):
 * which peers there are now, one gluster call on the first peer
 * whose glusterd answers, the driver's volumes, and what placement needs to know (which peers are
 * connected, and the room under their brick roots). Reads gluster afresh on every call; nothing is
 * cached beyond one call in flight.
 */
public final class TrustedPool {
    private static final Logger LOG = Logger.getLogger(TrustedPool.class.getName());

    private final PeerSource peerSource;
    private final BrickCarver carver;
    private final Executor lookups;
    /**
     * The {@code pool list} under way, if any: concurrent CreateVolumes share one answer instead of
     * each running the CLI (a burst of creates is bound by the CPU the CLI processes take;
     * BENCHMARKS.md). An answer is never reused once it has arrived, so it is never older than one call.
     */
    private CompletableFuture<Answer<List<PoolPeer>>> poolListUnderWay;
    private final Object poolListLock = new Object();

    /**
     * @param lookups runs placement's questions while a CreateVolume looks for an existing volume
     */
    public TrustedPool(PeerSource peerSource, BrickCarver carver, Executor lookups) {
        this.peerSource = peerSource;
        this.carver = carver;
        this.lookups = lookups;
    }

    /** One gluster call. */
    @FunctionalInterface
    public interface GlusterCall<T> {
        T call(GlusterCli cli) throws GlusterException;
    }

    /** A gluster answer, and the peer whose glusterd gave it to send the next commands to. */
    public record Answer<T>(Peer peer, T value) {
    }

    /** The peers now; UNAVAILABLE when there are none or they cannot be listed. */
    public List<Peer> peers() throws CsiException {
        try {
            List<Peer> peers = peerSource.peers();
            if (peers.isEmpty()) {
                throw CsiException.unavailable("no gluster peers found (" + peerSource.describe() + ")");
            }
            return peers;
        } catch (PeerDiscoveryException e) {
            throw CsiException.unavailable("cannot list the gluster peers: " + e.getMessage(), e);
        }
    }

    /**
     * The call on the first peer whose glusterd answers; UNAVAILABLE when none does. Any other
     * failure is gluster's answer and is thrown as it is.
     */
    public <T> Answer<T> ask(List<Peer> peers, GlusterCall<T> call) throws CsiException {
        GlusterException last = null;
        for (Peer peer : peers) {
            try {
                return new Answer<>(peer, call.call(peer.gluster()));
            } catch (GlusterException e) {
                if (!e.is(GlusterException.Kind.GLUSTERD_UNREACHABLE)) {
                    throw CsiException.during("asking gluster on " + peer.name(), e);
                }
                last = e;
            }
        }
        throw CsiException.unavailable("no gluster peer answers" + (last == null ? "" : ": " + last.getMessage()),
                last);
    }

    /** {@link #ask}, the answer only. */
    public <T> T onAnyPeer(List<Peer> peers, GlusterCall<T> call) throws CsiException {
        return ask(peers, call).value();
    }

    /** The CLI of a peer whose glusterd answers now. */
    public GlusterCli answering(List<Peer> peers) throws CsiException {
        return onAnyPeer(peers, cli -> {
            cli.poolList();
            return cli;
        });
    }

    /** The volume of that name if gluster has it, whoever made it, with the peer that answered. */
    public Answer<Optional<VolumeInfo>> volume(List<Peer> peers, String name) throws CsiException {
        return ask(peers, cli -> cli.volumeInfo(name));
    }

    /** The dedicated volume if it exists and this driver made it; NOT_FOUND otherwise. */
    public VolumeInfo ownVolume(List<Peer> peers, String volumeId) throws CsiException {
        Optional<VolumeInfo> info = onAnyPeer(peers, cli -> cli.volumeInfo(volumeId));
        if (info.isEmpty() || !VolumeMetadata.dedicated(info.get().options())) {
            throw CsiException.notFound("volume " + volumeId + " does not exist");
        }
        return info.get();
    }

    /** The shared pool of that name if it exists; NOT_FOUND otherwise. */
    public VolumeInfo ownPool(List<Peer> peers, String name) throws CsiException {
        Optional<VolumeInfo> info = onAnyPeer(peers, cli -> cli.volumeInfo(name));
        if (info.isEmpty() || !VolumeMetadata.pool(info.get().options())) {
            throw CsiException.notFound("shared pool " + name + " does not exist");
        }
        return info.get();
    }

    /** Every volume gluster has, whoever made it, in one call. */
    public List<VolumeInfo> allVolumes(List<Peer> peers) throws CsiException {
        return onAnyPeer(peers, GlusterCli::volumeInfoAll);
    }

    /** True when at least one peer's glusterd answers. */
    public boolean anyPeerAnswers() {
        try {
            for (Peer peer : peerSource.peers()) {
                try {
                    peer.gluster().poolList();
                    return true;
                } catch (GlusterException e) {
                    LOG.fine("peer " + peer.name() + " does not answer: " + e.getMessage());
                }
            }
        } catch (PeerDiscoveryException e) {
            LOG.fine("no peers: " + e.getMessage());
        }
        return false;
    }

    /**
     * How many peers' glusterd answer, as the first one that answers sees the trusted pool: itself and
     * the peers it lists as connected; 0 when none answers (or the peers cannot be listed).
     */
    public int peersAnswering() {
        try {
            for (Peer peer : peerSource.peers()) {
                try {
                    return (int) peer.gluster().poolList().stream().filter(p -> p.self() || p.connected()).count();
                } catch (GlusterException e) {
                    LOG.fine("peer " + peer.name() + " does not answer: " + e.getMessage());
                }
            }
        } catch (PeerDiscoveryException e) {
            LOG.fine("no peers: " + e.getMessage());
        }
        return 0;
    }

    /** Work that may fail with a CSI answer. */
    @FunctionalInterface
    public interface Work<T> {
        T call() throws CsiException;
    }

    /** The work on the lookup executor, so the caller can do something else meanwhile; see {@link #await}. */
    public <T> Future<T> meanwhile(Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        lookups.execute(() -> {
            try {
                result.complete(work.call());
            } catch (CsiException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The answer of {@link #meanwhile}, its failure as the work threw it. */
    public static <T> T await(Future<T> work, String doing) throws CsiException {
        try {
            return work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CsiException coded) {
                throw coded;
            }
            throw CsiException.internal(doing + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CsiException.unavailable("interrupted while " + doing, e);
        }
    }

    /** {@link #candidates}, asked on the lookup executor so the caller can do something else meanwhile. */
    public Future<List<Candidate>> candidatesMeanwhile(List<Peer> peers, String brickRoot) {
        return meanwhile(() -> candidates(peers, brickRoot));
    }

    /** The answer of {@link #candidatesMeanwhile}, its failure as thrown by {@link #candidates}. */
    public static List<Candidate> await(Future<List<Candidate>> candidates) throws CsiException {
        return await(candidates, "placing bricks");
    }

    /** Peers that are in the pool and connected, with the room under their brick root. */
    public List<Candidate> candidates(List<Peer> peers, String brickRoot) throws CsiException {
        Answer<List<PoolPeer>> pool = sharedPoolList(peers);
        List<Candidate> candidates = new ArrayList<>();
        for (Peer peer : peers) {
            // The peer that answered lists itself as localhost: its own answer says it is up.
            boolean connected = pool.value().stream().anyMatch(p -> p.connected() && p.knownAs(peer.address()))
                    || (peer.name().equals(pool.peer().name()) ? pool.value().stream().anyMatch(PoolPeer::self)
                    : answersAsSelf(peer));
            long free = 0;
            if (connected) {
                try {
                    OptionalLong room = carver.freeBytes(peer.runner(), peer.pathOnPeer(brickRoot));
                    free = room.orElse(0L);
                    if (room.isEmpty()) {
                        LOG.warning("brick root " + brickRoot + " is missing on peer " + peer.name());
                    }
                } catch (CommandException e) {
                    LOG.warning("cannot measure " + brickRoot + " on peer " + peer.name() + ": " + e.getMessage());
                    connected = false;
                }
            }
            candidates.add(new Candidate(peer.name(), peer.zone(), peer.node(), free, connected));
        }
        return candidates;
    }

    /** {@code pool list} from any peer, joining the call another thread has under way if there is one. */
    private Answer<List<PoolPeer>> sharedPoolList(List<Peer> peers) throws CsiException {
        CompletableFuture<Answer<List<PoolPeer>>> answer;
        boolean mine = false;
        synchronized (poolListLock) {
            if (poolListUnderWay == null) {
                poolListUnderWay = new CompletableFuture<>();
                mine = true;
            }
            answer = poolListUnderWay;
        }
        if (mine) {
            try {
                answer.complete(ask(peers, GlusterCli::poolList));
            } catch (CsiException | RuntimeException e) {
                answer.completeExceptionally(e);
            } finally {
                synchronized (poolListLock) {
                    poolListUnderWay = null;
                }
            }
        }
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CsiException coded) {
                throw coded;
            }
            throw e;
        }
    }

    private static boolean answersAsSelf(Peer peer) {
        try {
            return peer.gluster().poolList().stream().anyMatch(PoolPeer::self);
        } catch (GlusterException e) {
            return false;
        }
    }
}
