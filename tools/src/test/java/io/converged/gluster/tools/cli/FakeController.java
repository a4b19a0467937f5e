package io.converged.gluster.tools.cli;

import com.google.protobuf.Timestamp;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.Readiness;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerExpandVolumeResponse;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.CreateSnapshotResponse;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.CreateVolumeResponse;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotResponse;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeResponse;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.GetCapacityResponse;
import io.converged.gluster.csi.v1.ListSnapshotsRequest;
import io.converged.gluster.csi.v1.ListSnapshotsResponse;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.Snapshot;
import io.converged.gluster.csi.v1.Volume;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A controller on a unix socket that answers from a script and keeps every request it got, so CLI
 * tests can see what gluster-csi-ctl sent, and that a bad command line sent nothing.
 */
final class FakeController extends ControllerGrpc.ControllerImplBase implements AutoCloseable {
    static final String MISSING = "gcs-missing";

    private final List<Object> requests = new CopyOnWriteArrayList<>();
    /** The admin API on the same socket, as the controller serves it. */
    final FakeAdmin admin = new FakeAdmin();
    private final Path socket;
    private final EventLoopGroup group;
    private final Server server;

    private FakeController(Path socket) throws IOException {
        this.socket = socket;
        this.group = new EpollEventLoopGroup(1);
        this.server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .addService(this)
                .addService(admin)
                .addService(new IdentityService(List.of(IdentityService.controllerService()),
                        () -> Readiness.Status.READY))
                .build()
                .start();
    }

    static FakeController on(Path socket) throws IOException {
        return new FakeController(socket);
    }

    String url() {
        return "unix://" + socket;
    }

    /** Every request received, in order. */
    List<Object> requests() {
        return requests;
    }

    static Volume volume(String name, long bytes) {
        return Volume.newBuilder().setVolumeId("gcs-" + name).setCapacityBytes(bytes)
                .putVolumeContext("replica", "3").putVolumeContext("bricks", "a:/b1,b:/b1,c:/b1").build();
    }

    @Override
    public void createVolume(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> answer) {
        requests.add(request);
        answer.onNext(CreateVolumeResponse.newBuilder()
                .setVolume(volume(request.getName(), request.getCapacityRange().getRequiredBytes())).build());
        answer.onCompleted();
    }

    @Override
    public void deleteVolume(DeleteVolumeRequest request, StreamObserver<DeleteVolumeResponse> answer) {
        requests.add(request);
        if (MISSING.equals(request.getVolumeId())) {
            answer.onError(Status.NOT_FOUND.withDescription("no volume " + MISSING).asRuntimeException());
            return;
        }
        answer.onNext(DeleteVolumeResponse.getDefaultInstance());
        answer.onCompleted();
    }

    @Override
    public void controllerExpandVolume(ControllerExpandVolumeRequest request,
            StreamObserver<ControllerExpandVolumeResponse> answer) {
        requests.add(request);
        answer.onNext(ControllerExpandVolumeResponse.newBuilder()
                .setCapacityBytes(request.getCapacityRange().getRequiredBytes()).build());
        answer.onCompleted();
    }

    @Override
    public void listVolumes(ListVolumesRequest request, StreamObserver<ListVolumesResponse> answer) {
        requests.add(request);
        answer.onNext(ListVolumesResponse.newBuilder()
                .addEntries(ListVolumesResponse.Entry.newBuilder().setVolume(volume("a", 1L << 30)))
                .addEntries(ListVolumesResponse.Entry.newBuilder().setVolume(claim("gcs-c1", 1L << 30)))
                .addEntries(ListVolumesResponse.Entry.newBuilder().setVolume(claim("gcs-c2", 512L << 20))).build());
        answer.onCompleted();
    }

    /** A claim of the shared pool p1. */
    static Volume claim(String directory, long bytes) {
        return Volume.newBuilder().setVolumeId("p1/" + directory).setCapacityBytes(bytes)
                .putVolumeContext("pool", "p1").putVolumeContext("directory", directory)
                .putVolumeContext("replica", "3").putVolumeContext("brickRoot", "/mnt/brick1")
                .putVolumeContext("bricks", "a:/p1,b:/p1,c:/p1").build();
    }

    /** Snapshots answer "copying" this many times before "ready". */
    volatile int copyingAnswers;
    static final Timestamp CREATED = Timestamp.newBuilder().setSeconds(1_790_000_000L).build();

    static Snapshot snapshot(String name, String source, boolean ready) {
        return Snapshot.newBuilder().setSnapshotId("snapshots/.csi-snapshots/gcs-" + name).setSourceVolumeId(source)
                .setSizeBytes(1L << 30).setCreationTime(CREATED).setReadyToUse(ready).build();
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<CreateSnapshotResponse> answer) {
        requests.add(request);
        boolean ready = copyingAnswers <= 0;
        copyingAnswers--;
        answer.onNext(CreateSnapshotResponse.newBuilder().setSnapshot(snapshot(request.getName(),
                request.getSourceVolumeId(), ready)).build());
        answer.onCompleted();
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotRequest request, StreamObserver<DeleteSnapshotResponse> answer) {
        requests.add(request);
        answer.onNext(DeleteSnapshotResponse.getDefaultInstance());
        answer.onCompleted();
    }

    /** Two pages: two snapshots of gcs-a, then one of gcs-b (or those of the source asked for). */
    @Override
    public void listSnapshots(ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> answer) {
        requests.add(request);
        List<Snapshot> all = List.of(snapshot("s1", "gcs-a", true), snapshot("s2", "gcs-a", true),
                snapshot("s3", "gcs-b", false));
        List<Snapshot> matching = all.stream().filter(s -> request.getSourceVolumeId().isEmpty()
                || s.getSourceVolumeId().equals(request.getSourceVolumeId())).toList();
        int start = request.getStartingToken().isEmpty() ? 0 : Integer.parseInt(request.getStartingToken());
        int end = Math.min(matching.size(), start + 2);
        ListSnapshotsResponse.Builder page = ListSnapshotsResponse.newBuilder();
        matching.subList(start, end).forEach(s -> page.addEntries(ListSnapshotsResponse.Entry.newBuilder()
                .setSnapshot(s)));
        if (end < matching.size()) {
            page.setNextToken(Integer.toString(end));
        }
        answer.onNext(page.build());
        answer.onCompleted();
    }

    @Override
    public void getCapacity(GetCapacityRequest request, StreamObserver<GetCapacityResponse> answer) {
        requests.add(request);
        answer.onNext(GetCapacityResponse.newBuilder().setAvailableCapacity(10L << 30).build());
        answer.onCompleted();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
