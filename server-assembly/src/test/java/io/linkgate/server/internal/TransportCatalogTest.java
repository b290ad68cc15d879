package io.linkgate.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.transport.tcp.TcpTransportProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Uses two providers registered only for tests (src/test/resources/META-INF/services): a second
 * "tcp" of lower priority, and one that is never available.
 */
class TransportCatalogTest {

  @Test
  void higherPriorityWinsASharedNameAndUnavailableProvidersAreDropped() {
    List<TransportProvider> found = TransportCatalog.discover(TransportCatalogTest.class.getClassLoader());

    assertThat(found).extracting(TransportProvider::name).containsExactlyInAnyOrder("tcp", "http-tunnel", "grpc");
    assertThat(found).filteredOn(p -> p.name().equals("tcp")).singleElement().isInstanceOf(TcpTransportProvider.class);
  }

  /** Loses to the real tcp provider (priority 5). */
  public static final class ShadowTcpProvider implements TransportProvider {
    @Override
    public String name() {
      return "tcp";
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public int priority() {
      return 1;
    }

    @Override
    public Module module() {
      throw new AssertionError("a losing provider's module must not be installed");
    }
  }

  /** Never available, so never listed among the known transports. */
  public static final class UnavailableProvider implements TransportProvider {
    @Override
    public String name() {
      return "never-here";
    }

    @Override
    public boolean isAvailable() {
      return false;
    }

    @Override
    public Module module() {
      return new AbstractModule() {};
    }
  }
}
