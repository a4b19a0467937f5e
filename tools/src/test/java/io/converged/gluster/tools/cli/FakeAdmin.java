package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.admin.v1.AdminGrpc;
import io.converged.gluster.csi.admin.v1.AutoReplace;
import io.converged.gluster.csi.admin.v1.BrickHeal;
import io.converged.gluster.csi.admin.v1.DetachPeerRequest;
import io.converged.gluster.csi.admin.v1.DetachPeerResponse;
import io.converged.gluster.csi.admin.v1.GetHealRequest;
import io.converged.gluster.csi.admin.v1.GetHealResponse;
import io.converged.gluster.csi.admin.v1.GetPoolRequest;
import io.converged.gluster.csi.admin.v1.GetPoolResponse;
import io.converged.gluster.csi.admin.v1.Move;
import io.converged.gluster.csi.admin.v1.MoveBrickRequest;
import io.converged.gluster.csi.admin.v1.MoveBrickResponse;
import io.converged.gluster.csi.admin.v1.Peer;
import io.converged.gluster.csi.admin.v1.PlanMovesRequest;
import io.converged.gluster.csi.admin.v1.PlanMovesResponse;
import io.converged.gluster.csi.admin.v1.UuidClash;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The controller's admin API answering from a script: peer 10.0.0.3 holds bricks of {@code gcs-a} and
 * {@code shared}; {@code gcs-old} was moved off it by an earlier run; {@code gcs-stuck} cannot move
 * (when {@link #refuseOne} is set). A move makes later plans show the volume moved. Each volume's heal
 * lists {@link #pendingPolls} answers with entries left before it is healed. A volume in
 * {@link #busy} answers ABORTED once; one in {@link #failing} answers FAILED_PRECONDITION.
 */
final class FakeAdmin extends AdminGrpc.AdminImplBase {
    static final String OLD = "10.0.0.3";

    final List<Object> requests = new CopyOnWriteArrayList<>();
    final Set<String> moved = ConcurrentHashMap.newKeySet();
    final Set<String> busy = ConcurrentHashMap.newKeySet();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> healPolls = new ConcurrentHashMap<>();
    volatile boolean refuseOne;
    volatile int pendingPolls;

    static String brick(String host, String volume) {
        return host + ":/mnt/brick1/" + volume + "/brick";
    }

    @Override
    public void getPool(GetPoolRequest request, StreamObserver<GetPoolResponse> answer) {
        requests.add(request);
        answer.onNext(GetPoolResponse.newBuilder()
                .addPeers(Peer.newBuilder().setAddress("10.0.0.1").setUuid("u1").setConnected(true).setDiscovered(true)
                        .setName("peer-a").setNode("node-a").setZone("z1").setBricks(3))
                .addPeers(Peer.newBuilder().setAddress(OLD).setUuid("u3").setConnected(false).setBricks(2)
                        .setDisconnectedSeconds(95))
                .addUuidClashes(UuidClash.newBuilder().setUuid("u5").addAddresses("10.0.0.5").addAddresses("10.0.0.6")
                        .setFix("peers 10.0.0.5 and 10.0.0.6 share the UUID u5; run gluster system:: uuid reset"))
                .setAutoReplace(AutoReplace.newBuilder().setStatus("off")).build());
        answer.onCompleted();
    }

    @Override
    public void planMoves(PlanMovesRequest request, StreamObserver<PlanMovesResponse> answer) {
        requests.add(request);
        if (!request.getPeer().equals(OLD)) {
            answer.onError(Status.NOT_FOUND.withDescription("no peer " + request.getPeer()).asRuntimeException());
            return;
        }
        PlanMovesResponse.Builder plan = PlanMovesResponse.newBuilder()
                .setPeer(Peer.newBuilder().setAddress(OLD).setUuid("u3").setConnected(request.getDrain()))
                .addMoves(Move.newBuilder().setVolume("gcs-old").setKind("dedicated").setState(Move.State.MOVED)
                        .setFromBrick(brick(OLD, "gcs-old")).setToPeer("10.0.0.4")
                        .setToBrick(brick("10.0.0.4", "gcs-old")).setReplica(3));
        for (String volume : List.of("gcs-a", "shared")) {
            plan.addMoves(move(volume, moved.contains(volume) ? Move.State.MOVED : Move.State.PENDING));
        }
        if (refuseOne) {
            plan.addMoves(Move.newBuilder().setVolume("gcs-stuck").setKind("dedicated").setState(Move.State.REFUSED)
                    .setFromBrick(brick(OLD, "gcs-stuck")).setRefusal("brick(s) 10.0.0.2 are offline too"));
        }
        answer.onNext(plan.build());
        answer.onCompleted();
    }

    private static Move move(String volume, Move.State state) {
        return Move.newBuilder().setVolume(volume).setKind(volume.equals("shared") ? "pool" : "dedicated")
                .setState(state).setFromBrick(brick(OLD, volume)).setToPeer("10.0.0.4")
                .setToBrick(brick("10.0.0.4", volume)).setReplica(3).setArbiter(volume.equals("gcs-a")).build();
    }

    @Override
    public void moveBrick(MoveBrickRequest request, StreamObserver<MoveBrickResponse> answer) {
        requests.add(request);
        if (busy.remove(request.getVolume())) {
            answer.onError(Status.ABORTED.withDescription("an operation on " + request.getVolume()
                    + " is already in progress; retry later").asRuntimeException());
            return;
        }
        if (failing.contains(request.getVolume())) {
            answer.onError(Status.FAILED_PRECONDITION.withDescription("cannot").asRuntimeException());
            return;
        }
        boolean already = !moved.add(request.getVolume());
        answer.onNext(MoveBrickResponse.newBuilder().setMove(move(request.getVolume(), Move.State.MOVED))
                .setAlreadyMoved(already).setSeconds(3.25).build());
        answer.onCompleted();
    }

    @Override
    public void getHeal(GetHealRequest request, StreamObserver<GetHealResponse> answer) {
        requests.add(request);
        int polls = healPolls.merge(request.getVolume(), 1, Integer::sum);
        boolean healed = polls > pendingPolls;
        answer.onNext(GetHealResponse.newBuilder().setVolume(request.getVolume()).setHealed(healed)
                .setPending(healed ? 0 : 7 - polls)
                .addBricks(BrickHeal.newBuilder().setBrick(brick("10.0.0.1", request.getVolume())).setConnected(true)
                        .setStatus("Connected"))
                .build());
        answer.onCompleted();
    }

    @Override
    public void detachPeer(DetachPeerRequest request, StreamObserver<DetachPeerResponse> answer) {
        requests.add(request);
        answer.onNext(DetachPeerResponse.newBuilder().setDetached(true).build());
        answer.onCompleted();
    }

    /** The requests of one type, in order. */
    <T> List<T> requests(Class<T> type) {
        return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
