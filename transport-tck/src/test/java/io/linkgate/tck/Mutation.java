package io.linkgate.tck;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.transport.tcp.TcpTransportProvider;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberate defect slipped between the TCP transport and the router, so the kit's own tests can
 * show it notices. Each overrides one of the hooks; the defaults pass everything through.
 */
abstract class Mutation {
  /** The identity: the control run, which must pass. */
  static final Mutation NONE = new Mutation() {};

  /** Loses the push with seq 2 on every downlink. */
  static final Mutation LOSES_SECOND_PUSH =
      new Mutation() {
        @Override
        boolean send(DownlinkChannel channel, EncodedFrame frame) {
          Frame f = frame.frame();
          return f.hasPush() && f.getPush().getSeq() == 2 || channel.send(frame);
        }
      };

  /** Believes a "from" header over the authenticated sender. */
  static final Mutation TRUSTS_CLIENT_FROM =
      new Mutation() {
        @Override
        boolean send(DownlinkChannel channel, EncodedFrame frame) {
          Frame f = frame.frame();
          if (f.hasPush() && f.getPush().containsHeaders("from")) {
            Push p = f.getPush();
            return channel.send(
                EncodedFrame.of(
                    Frame.newBuilder()
                        .setPush(p.toBuilder().setFrom(p.getHeadersOrThrow("from")))
                        .build()));
          }
          return channel.send(frame);
        }
      };

  /** Makes every Send unique, so a resend is delivered again. */
  static final Mutation FORGETS_IDEMPOTENCY =
      new Mutation() {
        private final AtomicLong n = new AtomicLong();

        @Override
        Frame uplinkFrame(Frame f) {
          if (!f.hasSend()) {
            return f;
          }
          String id = f.getSend().getClientMsgId() + "#" + n.incrementAndGet();
          return f.toBuilder().setSend(f.getSend().toBuilder().setClientMsgId(id)).build();
        }
      };

  /** Grants whatever heartbeat the client proposes. */
  static final Mutation UNCLAMPED_HEARTBEAT =
      new Mutation() {
        @Override
        ConnectionInfo info(Hello hello, ConnectionInfo info) {
          return new ConnectionInfo(
              info.transport(),
              info.role(),
              info.remoteAddress(),
              info.tls(),
              hello.getHeartbeatMs());
        }
      };

  boolean send(DownlinkChannel channel, EncodedFrame frame) {
    return channel.send(frame);
  }

  Frame uplinkFrame(Frame frame) {
    return frame;
  }

  ConnectionInfo info(Hello hello, ConnectionInfo info) {
    return info;
  }

  /** The TCP transport with this mutation between it and the router. */
  TransportProvider provider() {
    TcpTransportProvider tcp = new TcpTransportProvider();
    Mutation mutation = this;
    return new TransportProvider() {
      @Override
      public String name() {
        return tcp.name();
      }

      @Override
      public boolean isAvailable() {
        return tcp.isAvailable();
      }

      @Override
      public Module module() {
        Injector real = Guice.createInjector(tcp.module());
        DownlinkTransport.Factory downlinks =
            real.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}))
                .get(tcp.name());
        UplinkTransport.Factory uplinks =
            real.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}))
                .get(tcp.name());
        return binder -> {
          TransportBindings.downlink(binder, tcp.name())
              .toInstance(
                  (settings, handler) -> downlinks.create(settings, mutation.wrap(handler)));
          TransportBindings.uplink(binder, tcp.name())
              .toInstance((settings, handler) -> uplinks.create(settings, mutation.wrap(handler)));
        };
      }
    };
  }

  private SessionHandler wrap(SessionHandler router) {
    return new SessionHandler() {
      @Override
      public CompletionStage<DownlinkSession> openDownlink(
          Hello hello, ConnectionInfo info, DownlinkChannel channel) {
        return router.openDownlink(hello, info(hello, info), wrap(channel));
      }

      @Override
      public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
        return router.openUplink(hello, info(hello, info)).thenApply(Mutation.this::wrap);
      }
    };
  }

  private DownlinkChannel wrap(DownlinkChannel channel) {
    return new DownlinkChannel() {
      @Override
      public boolean send(EncodedFrame frame) {
        return Mutation.this.send(channel, frame);
      }

      @Override
      public void close(Frame lastFrame) {
        channel.close(lastFrame);
      }

      @Override
      public boolean isOpen() {
        return channel.isOpen();
      }
    };
  }

  private UplinkSession wrap(UplinkSession session) {
    return new UplinkSession() {
      @Override
      public Welcome welcome() {
        return session.welcome();
      }

      @Override
      public CompletionStage<Frame> handle(Frame frame) {
        return session.handle(uplinkFrame(frame));
      }

      @Override
      public void onClosed() {
        session.onClosed();
      }
    };
  }
}
