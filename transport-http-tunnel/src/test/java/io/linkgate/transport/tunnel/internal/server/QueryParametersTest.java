package io.linkgate.transport.tunnel.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.UrlEncoded;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A plain query is read as Jetty decodes it; anything needing decoding goes to Jetty. */
class QueryParametersTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "device_id=d1",
        "device_id=d1&mode=poll",
        "mode=poll&device_id=d-1.x_~",
        "device_id=a&device_id=b",
        "device_id",
        "device_id=",
        "device_id&device_id=x",
        "device_id=a=b",
        "=x&device_id=y",
        "&&device_id=z&&",
        "device_idx=1&xdevice_id=2",
        "DEVICE_ID=1",
        "device_id=%64%31",
        "device_id=a+b",
        "device%5Fid=q",
        "device_id=d1;mode=poll",
      })
  void readsEachParameterAsJettyDecodesIt(String query) {
    QueryParameters ours = QueryParameters.of(query, () -> jettyDecode(query));
    Fields jetty = jettyDecode(query);
    for (String name : new String[] {"device_id", "mode", "xdevice_id"}) {
      assertThat(ours.first(name)).as(name).isEqualTo(jetty.getValue(name));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"device_id=%64", "device_id=a+b", "a b", "é=1", "device_id=x;y", "x=/"})
  void aQueryNeedingDecodingIsNotPlain(String query) {
    assertThat(QueryParameters.isPlain(query)).isFalse();
  }

  private static Fields jettyDecode(String query) {
    Fields fields = new Fields(true);
    UrlEncoded.decodeUtf8To(query, 0, query.length(), fields::add);
    return fields;
  }
}
