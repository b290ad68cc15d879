package io.linkgate.client.internal;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The default {@link Connector}: races the candidates (see {@link Race}), so an endpoint that
 * black-holes the connection costs one stagger instead of a connect timeout.
 */
public final class RacingConnector implements Connector {
  private final TransportPool transports;
  private final Scheduler scheduler;
  private final RaceSettings settings;
  private final OutcomeLog outcomes;

  public RacingConnector(
      TransportPool transports, Scheduler scheduler, RaceSettings settings, OutcomeLog outcomes) {
    this.transports = transports;
    this.scheduler = scheduler;
    this.settings = settings;
    this.outcomes = outcomes;
  }

  @Override
  public CompletionStage<Opened<ClientDownlink>> openDownlink(
      List<Endpoint> candidates, Hello hello, ClientDownlink.Listener listener) {
    Race<Gated> race = new Race<>(
        candidates, scheduler, settings,
        e -> {
          DownlinkGate gate = new DownlinkGate(listener);
          return transports.get(e.getTransport()).openDownlink(e, hello, gate)
              .thenApply(link -> new Gated(link, gate));
        },
        Gated::close,
        outcomes);
    return race.run().thenApply(won -> {
      if (!won.link().gate.pass()) {
        won.link().link.close();
      }
      return new Opened<>(won.link().link, won.endpoint());
    });
  }

  @Override
  public CompletionStage<Opened<ClientUplink>> openUplink(List<Endpoint> candidates, Hello hello) {
    return new Race<ClientUplink>(
        candidates, scheduler, settings,
        e -> transports.get(e.getTransport()).openUplink(e, hello),
        ClientUplink::close,
        outcomes).run();
  }

  @Override
  public void close() {
    transports.close();
  }

  /** A downlink attempt and the gate that keeps its frames from the caller until it wins. */
  private record Gated(ClientDownlink link, DownlinkGate gate) {
    void close() {
      gate.drop();
      link.close();
    }
  }
}
