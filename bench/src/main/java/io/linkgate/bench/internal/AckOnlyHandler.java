package io.linkgate.bench.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.SendAck;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.SendContext;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A business handler that only acknowledges: each {@code Send} gets a {@code SendAck} at once and
 * nothing is stored or pushed. The raw uplink baselines do no more than that, so a Linkgate node
 * running this ({@code --linkgate-sends ack-only}) leaves as its gap to them the transport, the
 * authentication and the router's dedup (which sit in front of the handler), without the storing
 * path. The msg ids are shaped like the router's: a per-process prefix and a counter in base 36.
 */
public final class AckOnlyHandler implements BusinessHandler {
  private final String idPrefix;
  private final AtomicLong counter = new AtomicLong();

  public AckOnlyHandler(String nodeId) {
    this.idPrefix = nodeId + "-a" + Long.toUnsignedString(new SecureRandom().nextLong() >>> 16, 36) + "-";
  }

  @Override
  public CompletionStage<Frame> onSend(SendContext ctx, Send send) {
    SendAck ack =
        SendAck.newBuilder()
            .setClientMsgId(send.getClientMsgId())
            .setMsgId(idPrefix + Long.toString(counter.incrementAndGet(), 36))
            .setServerTimeMs(System.currentTimeMillis())
            .build();
    return CompletableFuture.completedFuture(Frame.newBuilder().setSendAck(ack).build());
  }
}
