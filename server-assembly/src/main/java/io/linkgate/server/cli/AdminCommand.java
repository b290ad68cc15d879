package io.linkgate.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The admin API from the command line, one subcommand per call, so operators never hand-write
 * curl: {@code linkgate admin users bob}, {@code linkgate admin kick bob --device phone}, {@code
 * linkgate admin drain}. Prints the node's JSON answer; exits 1 with the error on a refusal.
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = "Call a node's admin API (the ops listener).",
    subcommands = {
      AdminCommand.Node.class,
      AdminCommand.Users.class,
      AdminCommand.Kick.class,
      AdminCommand.Push.class,
      AdminCommand.Publish.class,
      AdminCommand.Rooms.class,
      AdminCommand.Drain.class
    })
final class AdminCommand {
  static final String TOKEN_ENV = "LINKGATE_OPS_ADMIN_TOKEN";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--ops",
      paramLabel = "URL",
      defaultValue = "http://localhost:9100",
      description = "the node's ops listener (default: ${DEFAULT-VALUE})")
  String ops;

  @Option(
      names = "--admin-token",
      paramLabel = "T",
      description = "the node's ops.admin-token; default: $" + TOKEN_ENV)
  String token;

  private int call(String method, String path, ObjectNode body) {
    String t = token != null ? token : System.getenv(TOKEN_ENV);
    if (t == null || t.isEmpty()) {
      spec.commandLine().getErr().println("no admin token: pass --admin-token or set $" + TOKEN_ENV);
      return 2;
    }
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(ops.replaceAll("/+$", "") + "/admin/v1/" + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + t);
    if (method.equals("POST")) {
      req.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString()));
    }
    try {
      HttpResponse<String> answer =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
              .send(req.build(), HttpResponse.BodyHandlers.ofString());
      String pretty = prettyOrRaw(answer.body());
      if (answer.statusCode() >= 400) {
        spec.commandLine().getErr().println("HTTP " + answer.statusCode() + ": " + pretty);
        return 1;
      }
      spec.commandLine().getOut().println(pretty);
      spec.commandLine().getOut().flush();
      return 0;
    } catch (IOException e) {
      spec.commandLine().getErr().println("could not reach the ops listener at " + ops + ": " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static String prettyOrRaw(String body) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(body));
    } catch (IOException e) {
      return body;
    }
  }

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Command(name = "node", mixinStandardHelpOptions = true, description = "Node id, version, uptime, listeners, store, readiness.")
  static final class Node implements Callable<Integer> {
    @ParentCommand AdminCommand admin;

    @Override
    public Integer call() {
      return admin.call("GET", "node", null);
    }
  }

  @Command(name = "users", mixinStandardHelpOptions = true, description = "A user's online devices, on any node.")
  static final class Users implements Callable<Integer> {
    @ParentCommand AdminCommand admin;

    @Parameters(paramLabel = "USER") String user;

    @Override
    public Integer call() {
      return admin.call("GET", "users/" + segment(user), null);
    }
  }

  @Command(name = "kick", mixinStandardHelpOptions = true, description = "GoAway and close a user's devices (or one).")
  static final class Kick implements Callable<Integer> {
    @ParentCommand AdminCommand admin;

    @Parameters(paramLabel = "USER") String user;

    @Option(names = "--device", paramLabel = "D", description = "only this device") String device;

    @Option(names = "--reason", paramLabel = "TEXT", description = "the GoAway's reason") String reason;

    @Override
    public Integer call() {
      ObjectNode body = JSON.createObjectNode();
      if (device != null) {
        body.put("device", device);
      }
      if (reason != null) {
        body.put("reason", reason);
      }
      return admin.call("POST", "users/" + segment(user) + "/kick", body);
    }
  }

  @Command(name = "push", mixinStandardHelpOptions = true, description = "Push a text message to a user.")
  static final class Push implements Callable<Integer> {
    @ParentCommand AdminCommand admin;

    @Parameters(paramLabel = "USER") String user;

    @Mixin TextMessage message;

    @Override
    public Integer call() {
      return admin.call("POST", "users/" + segment(user) + "/push", message.body());
    }
  }

  @Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish a text message to a room.")
  static final class Publish implements Callable<Integer> {
    @ParentCommand AdminCommand admin;

    @Parameters(paramLabel = "ROOM") String room;

    @Mixin TextMessage message;

    @Override
    public Integer call() {
      return admin.call("POST", "rooms/" + segment(room) + "/publish", message.body());
    }
  }

  @Command(name = "rooms", mixinStandardHelpOptions = true, description = "This node's rooms and their member counts.")
  static final class Rooms implements Callable<Integer> {
    @ParentCommand AdminCommand admin;

    @Option(names = "--offset", defaultValue = "0") int offset;

    @Option(names = "--limit", defaultValue = "100") int limit;

    @Override
    public Integer call() {
      return admin.call("GET", "rooms?offset=" + offset + "&limit=" + limit, null);
    }
  }

  @Command(name = "drain", mixinStandardHelpOptions = true, description = "Stop accepting, GoAway to every downlink; not ready from then on.")
  static final class Drain implements Callable<Integer> {
    @ParentCommand AdminCommand admin;

    @Override
    public Integer call() {
      return admin.call("POST", "drain", null);
    }
  }

  /** The text message a push or a room publish carries, and who it is from. */
  static final class TextMessage {
    @Option(names = {"-m", "--message"}, required = true, paramLabel = "TEXT") String text;

    @Option(names = "--from", paramLabel = "ID", description = "Push.from (default: admin)") String from;

    ObjectNode body() {
      ObjectNode body = JSON.createObjectNode();
      body.put("text", text);
      if (from != null) {
        body.put("from", from);
      }
      return body;
    }
  }
}
