package io.linkgate.server.cli;

import io.linkgate.client.LinkgateClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Opens a downlink and prints every push as it arrives, until Ctrl-C (or --count pushes). */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = "Connect as a user and print pushes as they arrive (one line each).")
final class ListenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--room", paramLabel = "ROOM", description = "also join this room (repeatable)")
  List<String> rooms = new ArrayList<>();

  @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "exit after N pushes (default: run until Ctrl-C)")
  int count;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger received = new AtomicInteger();
    LinkgateClient c =
        client.clientBuilder(spec)
            .downlinkEndpoints(client.downlinks())
            .pushListener(
                push -> {
                  out.println(PushFormat.push(push));
                  out.flush();
                  if (count > 0 && received.incrementAndGet() >= count) {
                    done.complete(null);
                  }
                })
            .stateListener(
                (state, reason) -> {
                  err.println("[" + state.name().toLowerCase(java.util.Locale.ROOT) + "] " + reason);
                  err.flush();
                })
            .build();
    Thread hook = new Thread(() -> { done.complete(null); c.close(); }, "linkgate-listen-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    try (c) {
      c.connect()
          .whenComplete((welcome, failure) -> {
            if (failure != null) {
              done.completeExceptionally(failure);
            } else {
              err.println("listening as " + welcome.getUserId() + " on node " + welcome.getNodeId()
                  + (count > 0 ? " until " + count + " push(es)" : "; Ctrl-C to stop"));
              err.flush();
            }
          });
      rooms.forEach(c::subscribe);
      try {
        done.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyExiting) {
        // the hook is running: nothing to undo
      }
    }
  }
}
