package io.converged.gluster.controller.admin;

import io.converged.gluster.controller.gluster.GlusterNames;
import io.converged.gluster.controller.peer.UuidClash;
import io.converged.gluster.controller.replace.AutoReplacer;
import io.converged.gluster.controller.replace.BrickMoves;
import io.converged.gluster.controller.gluster.HealSummary;
import io.converged.gluster.controller.replace.Move;
import io.converged.gluster.controller.replace.MoveMode;
import io.converged.gluster.csi.admin.v1.AdminGrpc;
import io.converged.gluster.csi.admin.v1.AutoReplace;
import io.converged.gluster.csi.admin.v1.BrickHeal;
import io.converged.gluster.csi.admin.v1.DetachPeerRequest;
import io.converged.gluster.csi.admin.v1.DetachPeerResponse;
import io.converged.gluster.csi.admin.v1.GetHealRequest;
import io.converged.gluster.csi.admin.v1.GetHealResponse;
import io.converged.gluster.csi.admin.v1.GetPoolRequest;
import io.converged.gluster.csi.admin.v1.GetPoolResponse;
import io.converged.gluster.csi.admin.v1.MoveBrickRequest;
import io.converged.gluster.csi.admin.v1.MoveBrickResponse;
import io.converged.gluster.csi.admin.v1.PlanMovesRequest;
import io.converged.gluster.csi.admin.v1.PlanMovesResponse;
import io.converged.gluster.csi.runtime.Answers;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The controller's admin API ({@code gluster.csi.admin.v1}, admin.proto): what {@code gluster-csi-ctl
 * peer ...} and {@code peers} ask. Like the CSI service, each call validates, delegates to
 * {@link BrickMoves} (which takes the volume's lock) and answers; gluster is the only state.
 */
public final class AdminService extends AdminGrpc.AdminImplBase {
    /** A peer as an operator names it: an address, a DNS or pod name, or a UUID. */
    private static final Pattern PEER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,252}");

    private final BrickMoves moves;
    private final Supplier<List<UuidClash>> clashes;
    private final Optional<AutoReplacer> auto;

    /**
     * @param clashes the UUID clashes the pool keeper last found
     * @param auto the automatic replacement of lost peers, when it is on
     */
    public AdminService(BrickMoves moves, Supplier<List<UuidClash>> clashes, Optional<AutoReplacer> auto) {
        this.moves = moves;
        this.clashes = clashes;
        this.auto = auto;
    }

    @Override
    public void getPool(GetPoolRequest request, StreamObserver<GetPoolResponse> out) {
        Answers.answer(out, () -> {
            GetPoolResponse.Builder response = GetPoolResponse.newBuilder();
            moves.peers().forEach(p -> response.addPeers(peer(p)));
            for (UuidClash clash : clashes.get()) {
                response.addUuidClashes(io.converged.gluster.csi.admin.v1.UuidClash.newBuilder()
                        .setUuid(clash.uuid()).addAllAddresses(clash.addresses()).setFix(clash.fix()));
            }
            response.setAutoReplace(auto.map(a -> AutoReplace.newBuilder().setEnabled(true)
                    .setAfterSeconds(a.after().toSeconds()).setStatus(a.status()).build())
                    .orElse(AutoReplace.newBuilder().setEnabled(false)
                            .setStatus("off (the controller's --replace-lost-peers-after is not set)").build()));
            return response.build();
        });
    }

    @Override
    public void planMoves(PlanMovesRequest request, StreamObserver<PlanMovesResponse> out) {
        Answers.answer(out, () -> {
            String peer = peerName("peer", request.getPeer());
            Optional<String> to = optionalPeerName(request.getTo());
            BrickMoves.Plan plan = moves.plan(peer, to, request.getDrain() ? MoveMode.DRAIN : MoveMode.REPLACE);
            PlanMovesResponse.Builder response = PlanMovesResponse.newBuilder().setPeer(peer(plan.peer()));
            plan.moves().forEach(m -> response.addMoves(move(m)));
            return response.build();
        });
    }

    @Override
    public void moveBrick(MoveBrickRequest request, StreamObserver<MoveBrickResponse> out) {
        Answers.answer(out, () -> {
            String volume = request.getVolume();
            if (!GlusterNames.isVolume(volume)) {
                throw CsiException.invalidArgument("volume must be a gluster volume name, got '" + volume + "'");
            }
            String peer = peerName("peer", request.getPeer());
            Optional<String> to = optionalPeerName(request.getTo());
            BrickMoves.MoveResult result = moves.move(volume, peer, to,
                    request.getDrain() ? MoveMode.DRAIN : MoveMode.REPLACE);
            return MoveBrickResponse.newBuilder().setMove(move(result.move())).setAlreadyMoved(result.alreadyMoved())
                    .setSeconds(result.took().toMillis() / 1000.0).build();
        });
    }

    @Override
    public void getHeal(GetHealRequest request, StreamObserver<GetHealResponse> out) {
        Answers.answer(out, () -> {
            String volume = request.getVolume();
            if (!GlusterNames.isVolume(volume)) {
                throw CsiException.invalidArgument("volume must be a gluster volume name, got '" + volume + "'");
            }
            HealSummary heal = moves.heal(volume);
            GetHealResponse.Builder response = GetHealResponse.newBuilder().setVolume(volume)
                    .setPending(heal.pendingEntries()).setSplitBrain(heal.splitBrainEntries()).setHealed(heal.healed());
            for (HealSummary.BrickHeal b : heal.bricks()) {
                response.addBricks(BrickHeal.newBuilder().setBrick(b.name()).setConnected(b.connected())
                        .setStatus(b.status()).setPending(b.total().orElse(-1))
                        .setSplitBrain(b.splitBrain().orElse(-1)).setPossiblyHealing(b.possiblyHealing().orElse(-1)));
            }
            return response.build();
        });
    }

    @Override
    public void detachPeer(DetachPeerRequest request, StreamObserver<DetachPeerResponse> out) {
        Answers.answer(out, () -> DetachPeerResponse.newBuilder()
                .setDetached(moves.detach(peerName("peer", request.getPeer()))).build());
    }

    static String peerName(String field, String name) throws CsiException {
        if (name == null || !PEER_NAME.matcher(name).matches()) {
            throw CsiException.invalidArgument(field + " must name a peer by its address, name or UUID, got '" + name
                    + "'");
        }
        return name;
    }

    private static Optional<String> optionalPeerName(String name) throws CsiException {
        return name.isEmpty() ? Optional.empty() : Optional.of(peerName("to", name));
    }

    private static io.converged.gluster.csi.admin.v1.Peer peer(BrickMoves.PeerState p) {
        io.converged.gluster.csi.admin.v1.Peer.Builder peer = io.converged.gluster.csi.admin.v1.Peer.newBuilder()
                .setAddress(p.address()).setUuid(p.uuid()).setConnected(p.connected())
                .setDiscovered(p.discovered().isPresent()).setBricks((int) p.bricks())
                .setDisconnectedSeconds(p.disconnectedFor().toSeconds());
        p.discovered().ifPresent(d -> peer.setName(d.name()).setNode(d.node()).setZone(d.zone()));
        return peer.build();
    }

    private static io.converged.gluster.csi.admin.v1.Move move(Move m) {
        return io.converged.gluster.csi.admin.v1.Move.newBuilder()
                .setVolume(m.volume()).setKind(m.kind().word()).setState(switch (m.state()) {
                    case PENDING -> io.converged.gluster.csi.admin.v1.Move.State.PENDING;
                    case MOVED -> io.converged.gluster.csi.admin.v1.Move.State.MOVED;
                    case REFUSED -> io.converged.gluster.csi.admin.v1.Move.State.REFUSED;
                })
                .setFromBrick(m.fromBrick()).setToPeer(m.toPeer()).setToBrick(m.toBrick()).setRefusal(m.refusal())
                .setReplica(m.replica()).setArbiter(m.arbiter()).build();
    }
}
