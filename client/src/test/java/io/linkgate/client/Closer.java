package io.linkgate.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What a test opened, closed in reverse order; every one is closed even if one fails. */
final class Closer {
  private final List<AutoCloseable> resources = new ArrayList<>();

  <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Builds the client, keeps it for closing, and connects it. */
  LinkgateClient connected(LinkgateClient.Builder builder) throws Exception {
    LinkgateClient client = keep(builder.build());
    client.connect().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return client;
  }

  void closeAll() throws Exception {
    Exception first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    resources.clear();
    if (first != null) {
      throw first;
    }
  }
}
