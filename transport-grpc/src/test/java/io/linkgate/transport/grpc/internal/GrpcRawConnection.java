package io.linkgate.transport.grpc.internal;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.tck.RawConnection;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Raw access to the gRPC transport for the conformance kit: {@link ClientCall}s with a marshaller
 * of plain bytes, so that garbage and oversized messages can be sent, on a channel of its own.
 *
 * <p>How the kit's operations map:
 *
 * <ul>
 *   <li>A downlink "connection" is one {@code Downlink} call, started (headers only) on {@link
 *       #connect}. A message is requested only inside {@link #receive}, and the channel's HTTP/2
 *       flow-control window is small (16 KiB, no auto-tuning), so {@link #pauseReading} needs no
 *       action: a client that does not call {@code receive} stops the server quickly.
 *   <li>An uplink "connection" is the calls made on the channel: {@link #connect} starts one call
 *       with no metadata, which the first frame completes (a {@code Hello}, say); each later frame
 *       is a call of its own with {@code authorization} and {@code x-linkgate-device-id} from that
 *       {@code Hello}. A call that ends with a non-OK status ends the connection, and so does the
 *       server closing the HTTP/2 connection (idle close).
 *   <li>A trickled call ({@link #sendTrickled}) goes on a plain socket of its own (see {@link
 *       Http2Trickle}); the server's GOAWAY is returned as the {@code Error} its debug data names.
 *   <li>A status that carries a Linkgate error ({@link GrpcErrors#errorOf}) is returned as that
 *       {@code Error} frame, then {@code null}; unless the same {@code Error} already came as the
 *       call's last message.
 * </ul>
 */
public final class GrpcRawConnection implements RawConnection {
  /** Small, so that a client that stops reading pushes back quickly. */
  private static final int FLOW_CONTROL_WINDOW = 16 * 1024;

  /** Accepts frames larger than the server's limit: the kit judges what the server sends. */
  private static final int MAX_INBOUND_BYTES = 4 << 20;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor.Marshaller<Frame> FRAMES =
      ProtoUtils.marshaller(Frame.getDefaultInstance());

  private static final MethodDescriptor<byte[], Frame> DOWNLINK =
      GatewayGrpc.getDownlinkMethod().toBuilder(BYTES, FRAMES).build();

  /**
   * Uplink, declared streaming on this side: for a unary method gRPC holds back the headers until
   * the message goes, and the kit's "connected, nothing sent yet" needs the call to have started.
   */
  private static final MethodDescriptor<byte[], Frame> UPLINK =
      GatewayGrpc.getUplinkMethod().toBuilder(BYTES, FRAMES)
          .setType(MethodDescriptor.MethodType.UNKNOWN)
          .build();

  /** What the server did: a frame, the end of a call, or the end of the connection. */
  private record Ended(Status status, Metadata trailers) {}

  private static final Object CONNECTION_LOST = new Object();

  private final ManagedChannel channel;
  private final Role role;
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

  /** The downlink call, or the uplink call waiting for its first frame. */
  private ClientCall<byte[], Frame> pending;

  private int requested;
  private Frame lastFrame;
  private boolean ended;
  private String token;
  private String deviceId = "";

  private final Endpoint endpoint;

  /** Once {@link #sendTrickled} ran: the raw socket trickling a call, which {@link #receive} reads. */
  private Http2Trickle trickle;

  private GrpcRawConnection(ManagedChannel channel, Endpoint endpoint) {
    this.channel = channel;
    this.role = endpoint.getRole();
    this.endpoint = endpoint;
  }

  /** Connects to {@code endpoint} and starts the first call, sending headers only. */
  public static RawConnection connect(Endpoint endpoint) throws IOException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
            .usePlaintext()
            .directExecutor()
            .flowControlWindow(FLOW_CONTROL_WINDOW)
            .maxInboundMessageSize(MAX_INBOUND_BYTES)
            .proxyDetector(target -> null)
            .build();
    try {
      awaitReady(channel);
    } catch (IOException e) {
      channel.shutdownNow();
      throw e;
    }
    GrpcRawConnection raw = new GrpcRawConnection(channel, endpoint);
    raw.watchConnection();
    raw.pending = raw.startCall(new Metadata());
    return raw;
  }

  private static void awaitReady(ManagedChannel channel) throws IOException {
    long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
    ConnectivityState state = channel.getState(true);
    while (state != ConnectivityState.READY) {
      if (state == ConnectivityState.TRANSIENT_FAILURE || System.nanoTime() > deadline) {
        throw new IOException("cannot connect: channel is " + state);
      }
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      try {
        changed.await(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while connecting", e);
      }
      state = channel.getState(true);
    }
  }

  /** For the uplink: the server closing the connection (an idle close) ends it too. */
  private void watchConnection() {
    if (role == Role.UPLINK) {
      channel.notifyWhenStateChanged(ConnectivityState.READY, () -> events.add(CONNECTION_LOST));
    }
  }

  private ClientCall<byte[], Frame> startCall(Metadata headers) {
    ClientCall<byte[], Frame> call =
        channel.newCall(role == Role.DOWNLINK ? DOWNLINK : UPLINK, CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(Frame message) {
            events.add(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            events.add(new Ended(status, trailers));
          }
        },
        headers);
    if (role == Role.UPLINK) {
      call.request(2);
    }
    return call;
  }

  @Override
  public void send(Frame frame) {
    if (frame.hasHello()) {
      token = frame.getHello().getToken();
      deviceId = frame.getHello().getDeviceId();
    }
    write(frame.toByteArray());
  }

  @Override
  public void sendOversizedFrame(int declaredBodyBytes) {
    write(new byte[declaredBodyBytes]); // the whole message: gRPC announces its length first
  }

  @Override
  public void sendGarbage() {
    write(new byte[] {0x0A, 0x7F, 0x00}); // claims a 127-byte Hello that holds one byte
  }

  private void write(byte[] message) {
    if (role == Role.DOWNLINK) {
      pending.sendMessage(message);
      return;
    }
    ClientCall<byte[], Frame> call = pending;
    pending = null;
    if (call == null) {
      call = startCall(token != null ? Headers.uplink(token, deviceId) : new Metadata());
    }
    call.sendMessage(message);
    call.halfClose();
  }

  /**
   * A gRPC client trickling a call's start on a connection of its own, a plain socket: the HTTP/2
   * preface, SETTINGS, the call's HEADERS and the frame's DATA, a byte at a time. The channel this
   * connection opened is let go. The server's GOAWAY comes back from {@link #receive} as the
   * {@code Error} its debug data names.
   */
  @Override
  public void sendTrickled(Frame frame, Duration gap, Duration atMost) throws IOException {
    close();
    trickle = new Http2Trickle(endpoint.getHost(), endpoint.getPort());
    trickle.trickleCall(
        role == Role.DOWNLINK ? "Downlink" : "Uplink", frame.toByteArray(), gap, atMost);
  }

  @Override
  public void pauseReading() {
    // Nothing to do: messages are requested only inside receive(), and the window is small.
  }

  @Override
  public Frame receive(Duration timeout) throws IOException, TimeoutException {
    if (trickle != null) {
      return trickle.receive(timeout);
    }
    if (ended) {
      return null;
    }
    if (role == Role.DOWNLINK && requested == 0 && events.isEmpty()) {
      requested++;
      pending.request(1);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Object event;
      try {
        event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted");
      }
      if (event == null) {
        throw new TimeoutException("nothing from the server within " + timeout);
      }
      if (event instanceof Frame frame) {
        if (role == Role.DOWNLINK) {
          requested--;
        }
        lastFrame = frame;
        return frame;
      }
      if (event instanceof Ended end && role == Role.UPLINK && end.status().isOk()) {
        continue; // a unary call answered: the uplink goes on
      }
      ended = true;
      if (event instanceof Ended end) {
        Error error = GrpcErrors.errorOf(end.status(), end.trailers());
        boolean alreadySaid =
            error != null
                && lastFrame != null
                && lastFrame.hasError()
                && lastFrame.getError().getCode() == error.getCode();
        if (error != null && !alreadySaid) {
          return Frame.newBuilder().setError(error).build();
        }
      }
      return null;
    }
  }

  @Override
  public void close() {
    if (pending != null) {
      pending.cancel("closed by the test", null);
      pending = null;
    }
    channel.shutdownNow();
    if (trickle != null) {
      trickle.close();
    }
  }
}
