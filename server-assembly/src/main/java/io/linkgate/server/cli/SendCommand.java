package io.linkgate.server.cli;

import io.linkgate.api.proto.SendAck;
import io.linkgate.client.LinkgateClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Sends one message over an uplink and prints the node's SendAck. */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = "Send one message as a user and print the acknowledgement.")
final class SendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--to", required = true, paramLabel = "user:ID|room:R", description = "recipient")
  String to;

  @Option(names = {"-m", "--message"}, required = true, paramLabel = "TEXT", description = "the message (sent as UTF-8)")
  String message;

  @Option(names = "--header", paramLabel = "K=V", description = "a header to attach (repeatable)")
  Map<String, String> headers = new LinkedHashMap<>();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "give up after this long (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    try (LinkgateClient c = client.clientBuilder(spec).uplinkEndpoints(client.uplinks()).sendRetries(3, timeout).build()) {
      SendAck ack =
          c.send(to, message.getBytes(StandardCharsets.UTF_8), headers)
              .toCompletableFuture()
              .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      spec.commandLine().getOut().println(PushFormat.ack(to, ack));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      throw new java.io.IOException("no answer from " + client.server + " within " + timeout.toSeconds() + "s");
    }
  }
}
