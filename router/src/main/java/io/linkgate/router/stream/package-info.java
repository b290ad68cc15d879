/**
 * Uplink sends through a Redis Stream: gateways store each accepted {@code Send} and ack it; a
 * business service consumes the stream with a consumer group and delivers through an embedded
 * router. Gateways and services scale, restart and fail apart, and the stream holds what is between.
 *
 * <p>Starting points:
 *
 * <ul>
 *   <li>{@link io.linkgate.router.stream.RedisStreamBusinessHandler}: the gateway side; set it with
 *       {@link io.linkgate.router.Router.Builder#businessHandler}.
 *   <li>{@link io.linkgate.router.stream.StreamConsumer}: the service side; hands each entry, as an
 *       {@link io.linkgate.router.stream.UplinkMessage}, to a callback and acks it once handled.
 *   <li>{@link io.linkgate.router.stream.DeliveringConsumer}: a runnable service that delivers
 *       every entry as the router's default handling would.
 * </ul>
 *
 * <p>Delivery between the two is at least once: an entry is acked in the group only after its
 * callback completed, so a consumer that dies mid-way leaves it to be claimed by another one.
 */
package io.linkgate.router.stream;
