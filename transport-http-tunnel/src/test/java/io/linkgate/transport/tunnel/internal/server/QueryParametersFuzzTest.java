package io.linkgate.transport.tunnel.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.util.List;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.UrlEncoded;

/**
 * Whatever the query, our reading of a plain one gives every tunnel parameter the value Jetty's
 * decode (as {@code Request.extractQueryParameters} does it: UTF-8, case-sensitive names, first
 * value wins) gives it. Queries are built from the parameter names, separators, escapes and odd
 * characters, so that the plain ones the fast path takes are common. Seeds and findings run in the
 * suite; {@code JAZZER_FUZZ=1} fuzzes.
 */
class QueryParametersFuzzTest {
  private static final List<String> NAMES =
      List.of(
          TunnelProtocol.DEVICE_ID,
          TunnelProtocol.MODE,
          TunnelProtocol.CLIENT_VERSION,
          TunnelProtocol.RESUME_FROM_SEQ,
          TunnelProtocol.RESUME_EPOCH,
          TunnelProtocol.HEARTBEAT_MS,
          TunnelProtocol.SESSION_ID,
          TunnelProtocol.HOLD_MS,
          TunnelProtocol.END);
  private static final String PIECES = "=&=&ab9-._~%+ ;#/?é\u0000Z";

  @FuzzTest(maxDuration = "20s")
  void plainQueriesReadAsJettyDecodesThem(FuzzedDataProvider data) {
    StringBuilder query = new StringBuilder();
    int pieces = data.consumeInt(0, 40);
    for (int i = 0; i < pieces && data.remainingBytes() > 0; i++) {
      if (data.consumeBoolean()) {
        String name = NAMES.get(data.consumeInt(0, NAMES.size() - 1));
        query.append(data.consumeBoolean() ? name : name.toUpperCase(java.util.Locale.ROOT));
      } else {
        query.append(PIECES.charAt(data.consumeInt(0, PIECES.length() - 1)));
      }
    }
    String q = query.toString();

    Fields expected = null;
    RuntimeException refused = null;
    try {
      expected = jettyDecode(q);
    } catch (RuntimeException e) {
      refused = e;
    }
    if (!QueryParameters.isPlain(q)) {
      return; // decoded by Jetty itself
    }
    assertThat(refused).as("Jetty refused the plain query '%s'", q).isNull();
    QueryParameters ours = QueryParameters.of(q, () -> jettyDecode(q));
    for (String name : NAMES) {
      assertThat(ours.first(name)).as("%s in '%s'", name, q).isEqualTo(expected.getValue(name));
    }
  }

  private static Fields jettyDecode(String query) {
    Fields fields = new Fields(true);
    UrlEncoded.decodeUtf8To(query, 0, query.length(), fields::add);
    return fields;
  }
}
