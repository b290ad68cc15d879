package io.linkgate.transport.grpc.internal;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An open uplink, client side: each frame is a unary call with the {@code Hello}'s token and device
 * id in its metadata. Calls run concurrently on the endpoint's shared connection; their answers
 * complete in the order the calls were made.
 *
 * <p>The uplink stays open while the connection it was opened on lives. A call the server ends
 * with a status ends the uplink, as an {@code Error} followed by a close does on TCP: the call
 * completes with that {@code Error}, except a refused token, which fails it with an {@link
 * IOException} so that the caller opens a new uplink (and authenticates again). A send refused
 * RATE_LIMITED (RESOURCE_EXHAUSTED with the {@code Error} in the trailers) completes with that
 * {@code Error}, its {@code retry_after_ms} included, and the uplink stays open.
 */
final class GrpcClientUplink implements ClientUplink {
  private final ClientChannel channel;
  private final long generation;
  private final Welcome welcome;
  private final String token;
  private final String deviceId;
  private final Object lock = new Object();
  private final Set<ClientCall<?, ?>> inFlight = ConcurrentHashMap.newKeySet();
  private CompletableFuture<Frame> last = CompletableFuture.completedFuture(null);
  private volatile boolean closed;

  GrpcClientUplink(ClientChannel channel, long generation, Welcome welcome, Hello hello) {
    this.channel = channel;
    this.generation = generation;
    this.welcome = welcome;
    this.token = hello.getToken();
    this.deviceId = hello.getDeviceId();
  }

  @Override
  public Welcome welcome() {
    return welcome;
  }

  @Override
  public CompletionStage<Frame> call(Frame frame) {
    CompletableFuture<Frame> answer = new CompletableFuture<>();
    CompletableFuture<Frame> ordered = new CompletableFuture<>();
    synchronized (lock) {
      CompletableFuture<Frame> previous = last;
      last = ordered;
      answer.whenComplete(
          (a, t) ->
              previous.whenComplete(
                  (ignored, alsoIgnored) -> {
                    if (t != null) {
                      ordered.completeExceptionally(t);
                    } else {
                      ordered.complete(a);
                    }
                  }));
      if (!isOpen()) {
        answer.completeExceptionally(new IOException("uplink is closed"));
        return ordered;
      }
      ClientCall<Frame, Frame> call =
          channel.channel().newCall(GatewayGrpc.getUplinkMethod(), CallOptions.DEFAULT);
      inFlight.add(call);
      UnaryCalls.call(
          call,
          Headers.uplink(token, deviceId),
          frame,
          (reply, status, trailers) -> {
            inFlight.remove(call);
            if (reply != null) {
              answer.complete(reply);
              return;
            }
            Error refusal = GrpcErrors.trailerError(trailers);
            if (refusal != null && refusal.getCode() == ErrorCode.RATE_LIMITED) {
              // A send refused for its rate, with its hint: the uplink itself is fine.
              answer.complete(Frame.newBuilder().setError(refusal).build());
              return;
            }
            closed = true;
            if (refusal == null) {
              answer.completeExceptionally(
                  new IOException(
                      "uplink call failed: " + GrpcClientTransport.describe(status),
                      status.asException()));
            } else if (refusal.getCode() == ErrorCode.UNAUTHENTICATED
                || refusal.getCode() == ErrorCode.FORBIDDEN) {
              answer.completeExceptionally(
                  new IOException(
                      "uplink call refused; open a new uplink",
                      new GatewayException(refusal.getCode(), refusal.getMessage())));
            } else {
              answer.complete(Frame.newBuilder().setError(refusal).build());
            }
          });
    }
    return ordered;
  }

  @Override
  public boolean isOpen() {
    return !closed && channel.generation() == generation;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      for (ClientCall<?, ?> call : inFlight) {
        call.cancel("uplink closed by the client", null);
      }
    }
  }
}
