package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.ErrorStatus;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Tunnel responses, read within bounds: a 2xx body as its frames (at most {@code maxFrames}), an
 * error status as a failed body: the server's {@code Error} frame as a {@link GatewayException},
 * or, when the body is not one (a proxy's own error page), an {@link IOException} naming the
 * status.
 */
final class Responses {
  private static final int TOO_MANY_REQUESTS = 429;

  private Responses() {}

  /**
   * The answers to an uplink POST of {@code frames} frames: as {@link #frames}, except that a
   * {@code 429} whose body is one {@code Error} per frame (a POST refused whole for its send rate)
   * is read as those answers, each with its {@code retry_after_ms}, so that the caller retries
   * each send no sooner than the node said. Any other 429 is a failure.
   */
  static HttpResponse.BodyHandler<List<Frame>> answers(int maxFrameBytes, int frames) {
    return info -> {
      if (info.statusCode() != TOO_MANY_REQUESTS) {
        return frames(maxFrameBytes, frames).apply(info);
      }
      return HttpResponse.BodySubscribers.mapping(
          collect(maxFrameBytes, frames),
          answers -> {
            if (answers.size() == frames && answers.stream().allMatch(Frame::hasError)) {
              return answers;
            }
            throw new CompletionException(
                failure(TOO_MANY_REQUESTS, answers.isEmpty() ? null : answers.get(0)));
          });
    };
  }

  static HttpResponse.BodyHandler<List<Frame>> frames(int maxFrameBytes, int maxFrames) {
    return info -> {
      if (info.statusCode() / 100 == 2) {
        return collect(maxFrameBytes, maxFrames);
      }
      return refusal(info.statusCode(), maxFrameBytes);
    };
  }

  /** The failure an error status with {@code first} as its body's first frame stands for. */
  static Exception failure(int status, Frame first) {
    if (first != null && first.hasError()) {
      return new GatewayException(first.getError().getCode(), first.getError().getMessage());
    }
    if (status == 401 || status == 403) {
      return new GatewayException(ErrorStatus.codeOf(status), "HTTP " + status);
    }
    return new IOException("HTTP " + status + " without a Linkgate answer (a proxy's?)");
  }

  private static HttpResponse.BodySubscriber<List<Frame>> collect(
      int maxFrameBytes, int maxFrames) {
    List<Frame> frames = new ArrayList<>();
    FrameSubscriber body =
        new FrameSubscriber(
            maxFrameBytes,
            f -> {
              if (frames.size() == maxFrames) {
                throw new IllegalStateException(
                    "the server answered with more than " + maxFrames + " frames");
              }
              frames.add(f);
            });
    return HttpResponse.BodySubscribers.mapping(body, v -> List.copyOf(frames));
  }

  private static HttpResponse.BodySubscriber<List<Frame>> refusal(int status, int maxFrameBytes) {
    List<Frame> first = new ArrayList<>(1);
    FrameSubscriber body =
        new FrameSubscriber(
            maxFrameBytes,
            f -> {
              if (first.isEmpty()) {
                first.add(f);
              }
            });
    CompletableFuture<List<Frame>> failed = new CompletableFuture<>();
    body.getBody()
        .whenComplete(
            (v, t) ->
                failed.completeExceptionally(
                    failure(status, first.isEmpty() ? null : first.get(0))));
    return new HttpResponse.BodySubscriber<>() {
      @Override
      public CompletionStage<List<Frame>> getBody() {
        return failed;
      }

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        body.onSubscribe(subscription);
      }

      @Override
      public void onNext(List<ByteBuffer> item) {
        body.onNext(item);
      }

      @Override
      public void onError(Throwable throwable) {
        body.onError(throwable);
      }

      @Override
      public void onComplete() {
        body.onComplete();
      }
    };
  }
}
