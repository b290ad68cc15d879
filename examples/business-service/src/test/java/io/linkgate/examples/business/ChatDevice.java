package io.linkgate.examples.business;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.SendAck;
import io.linkgate.client.LinkgateClient;
import io.linkgate.router.Hs256Authenticator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A user's phone on one gateway: a real client and what its app received. */
final class ChatDevice implements AutoCloseable {
  final String user;
  final List<Push> received = new CopyOnWriteArrayList<>();
  private final LinkgateClient client;

  ChatDevice(String user, String secret, Endpoint downlink, Endpoint uplink) throws Exception {
    this.user = user;
    this.client =
        LinkgateClient.builder()
            .downlinkEndpoints(List.of(downlink))
            .uplinkEndpoints(List.of(uplink))
            .token(Hs256Authenticator.mint(secret.getBytes(StandardCharsets.UTF_8), user, Duration.ofMinutes(10)))
            .deviceId(user + "-phone")
            .pushListener(received::add)
            .build();
    client.connect().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Sends {@code text} to {@code to}; returns the gateway's answer, which means "stored in the stream". */
  SendAck send(String to, String text) throws Exception {
    return client.send(to, text.getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  void subscribe(String room) {
    client.subscribe(room);
  }

  List<Push> withMsgId(String msgId) {
    return received.stream().filter(p -> p.getMsgId().equals(msgId)).toList();
  }

  List<String> texts() {
    return received.stream().map(p -> p.getPayload().toStringUtf8()).toList();
  }

  @Override
  public void close() {
    client.close();
  }
}
