package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Ping;
import io.linkgate.api.proto.Role;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an idle downlink costs the node: a gateway holds many of them, so each one's fixed share of
 * memory is what decides how many fit in a box.
 */
class IdleDownlinkTest {
  private final TestCore core = new TestCore();
  private final List<TcpServerTransport> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (TcpServerTransport s : servers) {
      s.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anIdleDownlinkHoldsNoReadBufferWhileAHalfReadFrameDoes() throws Exception {
    TcpDownlinkTransport server = Servers.downlink(core, Servers.limits());
    servers.add(server);
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        RawClient c = RawClient.connect(Servers.port(server));
        clients.add(c);
        c.send(RawClient.helloFrame(Role.DOWNLINK, 0));
        assertThat(c.read().hasWelcome()).isTrue();
        c.send(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(i)).build());
        assertThat(c.read().getPong().getNonce()).isEqualTo(i);
      }
      await().until(() -> server.connectionCount() == 20);
      for (Channel ch : server.connections()) {
        assertThat(heldReadBytes(ch)).as("read buffer of an idle downlink").isZero();
      }

      // The check sees a buffer when there is one: half a frame must wait for its other half.
      byte[] ping = FrameCodec.encode(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(99)).build());
      RawClient last = clients.get(clients.size() - 1);
      last.sendRaw(Arrays.copyOf(ping, ping.length - 1));
      await()
          .until(
              () -> {
                long holding = 0;
                for (Channel ch : server.connections()) {
                  holding += heldReadBytes(ch) > 0 ? 1 : 0;
                }
                return holding == 1;
              });
      last.sendRaw(Arrays.copyOfRange(ping, ping.length - 1, ping.length));
      assertThat(last.read().getPong().getNonce()).isEqualTo(99);
      for (Channel ch : server.connections()) {
        assertThat(heldReadBytes(ch)).as("read buffer once the frame is complete").isZero();
      }
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void onlyUplinksPayForFlushConsolidation() throws Exception {
    TcpDownlinkTransport downlink = Servers.downlink(core, Servers.limits());
    TcpUplinkTransport uplink = Servers.uplink(core, Servers.limits());
    servers.add(downlink);
    servers.add(uplink);
    try (RawClient d = RawClient.connect(Servers.port(downlink));
        RawClient u = RawClient.connect(Servers.port(uplink))) {
      d.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      assertThat(d.read().hasWelcome()).isTrue();
      u.send(RawClient.helloFrame(Role.UPLINK, 0));
      assertThat(u.read().hasWelcome()).isTrue();
      await().until(() -> downlink.connectionCount() == 1 && uplink.connectionCount() == 1);

      assertThat(handlers(downlink)).doesNotHaveAnyElementsOfTypes(FlushConsolidationHandler.class);
      assertThat(handlers(uplink)).hasAtLeastOneElementOfType(FlushConsolidationHandler.class);

      // Without it a downlink still answers pings pipelined in one read, every one of them.
      List<Frame> pings = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        pings.add(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(i)).build());
      }
      d.sendRaw(FrameCodec.encodeAll(pings));
      for (int i = 0; i < 50; i++) {
        assertThat(d.read().getPong().getNonce()).isEqualTo(i);
      }
    }
  }

  /** Bytes the connection's frame decoder keeps between reads, read on its event loop. */
  private static int heldReadBytes(Channel ch) throws Exception {
    return ch.eventLoop()
        .submit(
            () -> {
              FrameDecoder decoder = ch.pipeline().get(FrameDecoder.class);
              ByteBuf held = decoder == null ? null : decoder.heldBuffer();
              return held == null ? 0 : held.capacity();
            })
        .get(10, TimeUnit.SECONDS);
  }

  private static List<ChannelHandler> handlers(TcpServerTransport server) {
    Channel ch = server.connections().iterator().next();
    List<ChannelHandler> handlers = new ArrayList<>();
    ch.pipeline().forEach(e -> handlers.add(e.getValue()));
    return handlers;
  }
}
