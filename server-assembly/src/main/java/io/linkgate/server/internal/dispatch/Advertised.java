package io.linkgate.server.internal.dispatch;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.server.AdvertiseConfig;
import java.util.ArrayList;
import java.util.List;

/** The endpoints this node tells clients about: the configured ones, else what it listens on. */
final class Advertised {
  private Advertised() {}

  static List<Endpoint> endpoints(List<AdvertiseConfig> configured, List<Endpoint> listening) {
    if (configured.isEmpty()) {
      return List.copyOf(listening);
    }
    List<Endpoint> out = new ArrayList<>();
    for (AdvertiseConfig a : configured) {
      Role role = a.role().equals("downlink") ? Role.DOWNLINK : Role.UPLINK;
      // Port-major: a client racing the first few tries one port on each host before the next port.
      for (int port : a.ports()) {
        for (String host : a.hosts()) {
          out.add(Endpoint.newBuilder().setTransport(a.transport()).setRole(role).setHost(host).setPort(port).setTls(a.tls()).build());
        }
      }
    }
    return List.copyOf(out);
  }
}
