package io.linkgate.transport.grpc.internal;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.linkgate.api.proto.Frame;

/** One unary {@code Uplink} call from the client, reported once, however it ends. */
final class UnaryCalls {
  private UnaryCalls() {}

  interface Result {
    /**
     * @param answer the server's frame if the call ended OK with one, else null
     * @param status how the call ended
     * @param trailers the trailers that came with it
     */
    void done(Frame answer, Status status, Metadata trailers);
  }

  static void call(ClientCall<Frame, Frame> call, Metadata headers, Frame frame, Result result) {
    call.start(
        new ClientCall.Listener<>() {
          private Frame answer;

          @Override
          public void onMessage(Frame message) {
            if (answer == null) {
              answer = message;
            }
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            result.done(status.isOk() ? answer : null, status, trailers);
          }
        },
        headers);
    call.sendMessage(frame);
    call.halfClose();
    call.request(2); // two, as gRPC's stubs do, so that a second answer is not left unread
  }
}
