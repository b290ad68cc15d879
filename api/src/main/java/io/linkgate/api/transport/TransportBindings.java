package io.linkgate.api.transport;

import com.google.inject.Binder;
import com.google.inject.binder.LinkedBindingBuilder;
import com.google.inject.multibindings.MapBinder;

/**
 * Where a transport's Guice module registers its factories: one map per role, keyed by transport
 * name. A name registered twice fails injector creation.
 */
public final class TransportBindings {
  private TransportBindings() {}

  public static LinkedBindingBuilder<DownlinkTransport.Factory> downlink(Binder binder, String name) {
    return downlinks(binder).addBinding(name);
  }

  public static LinkedBindingBuilder<UplinkTransport.Factory> uplink(Binder binder, String name) {
    return uplinks(binder).addBinding(name);
  }

  /** The map of downlink factories; declares it even when no transport contributes. */
  public static MapBinder<String, DownlinkTransport.Factory> downlinks(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, DownlinkTransport.Factory.class);
  }

  /** The map of uplink factories; declares it even when no transport contributes. */
  public static MapBinder<String, UplinkTransport.Factory> uplinks(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, UplinkTransport.Factory.class);
  }
}
