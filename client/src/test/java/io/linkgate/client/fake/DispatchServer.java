package io.linkgate.client.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.linkgate.api.proto.DispatchReport;
import io.linkgate.api.proto.DispatchResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real dispatch endpoint on loopback (the JDK's HTTP server): {@code GET /v1/dispatch} answers
 * {@link #response} as protobuf, {@code POST /v1/dispatch/report} records the report. Every
 * request is kept for the test to look at.
 */
public final class DispatchServer implements AutoCloseable {
  /** One request as the server saw it. */
  public record Request(String method, String path, String authorization, String accept,
      String contentType, byte[] body) {
    public DispatchReport report() {
      try {
        return DispatchReport.parseFrom(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public volatile DispatchResponse response = DispatchResponse.getDefaultInstance();
  public volatile int dispatchStatus = 200;
  public volatile int reportStatus = 204;
  public final List<Request> dispatches = new CopyOnWriteArrayList<>();
  public final List<Request> reports = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  private DispatchServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/v1/dispatch", this::handle);
    server.start();
  }

  public static DispatchServer start() throws IOException {
    return new DispatchServer();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      Request r = new Request(x.getRequestMethod(), x.getRequestURI().getPath(),
          x.getRequestHeaders().getFirst("Authorization"), x.getRequestHeaders().getFirst("Accept"),
          x.getRequestHeaders().getFirst("Content-Type"), x.getRequestBody().readAllBytes());
      if (r.path().equals("/v1/dispatch/report") && r.method().equals("POST")) {
        reports.add(r);
        x.sendResponseHeaders(reportStatus, -1);
      } else if (r.path().equals("/v1/dispatch") && r.method().equals("GET")) {
        dispatches.add(r);
        if (dispatchStatus != 200) {
          x.sendResponseHeaders(dispatchStatus, -1);
          return;
        }
        byte[] body = response.toByteArray();
        x.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        x.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        x.getResponseBody().write(body);
      } else {
        x.sendResponseHeaders(404, -1);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
