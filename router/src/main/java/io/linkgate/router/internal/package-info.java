/**
 * The router's implementation; not API. {@link io.linkgate.router.internal.Engine} wires the parts:
 * {@code Downlinks} (handshake, ordered delivery, gap fill, acks), {@code Rooms}, {@code Uplink},
 * {@code SendDedup}, {@code SessionCache} and the in-memory store.
 */
package io.linkgate.router.internal;
