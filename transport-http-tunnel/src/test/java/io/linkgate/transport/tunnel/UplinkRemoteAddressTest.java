package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.UplinkSession;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The core is told each uplink POST's own peer (the address limits count by it), also when the
 * text is made once per connection: every POST of a keep-alive connection names that connection's
 * port, and another connection its own.
 */
class UplinkRemoteAddressTest {
  private final List<String> remotes = new CopyOnWriteArrayList<>();

  private SessionHandler recording(SessionHandler router) {
    return new ForwardingSessionHandler(router) {
      @Override
      public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
        remotes.add(info.remoteAddress());
        return core.openUplink(hello, info);
      }
    };
  }

  @Test
  void everyPostOfAConnectionNamesThatConnectionsPeer() throws Exception {
    try (TestNode node = TestNode.builder().core(this::recording).start();
        Socket first = new Socket("127.0.0.1", node.port(Role.UPLINK));
        Socket second = new Socket("127.0.0.1", node.port(Role.UPLINK))) {
      for (Socket s : List.of(first, second, first, second, first)) {
        assertThat(node.pingOverUplink(s)).isEqualTo(200);
      }
      String a = "127.0.0.1:" + first.getLocalPort();
      String b = "127.0.0.1:" + second.getLocalPort();
      assertThat(remotes).containsExactly(a, b, a, b, a);
    }
  }
}
