/**
 * The Linkgate Java client.
 *
 * <p>Starting points:
 *
 * <ul>
 *   <li>{@link io.linkgate.client.LinkgateClient}: build one, {@code connect()} the downlink, {@code
 *       send(...)} over the uplink.
 *   <li>{@link io.linkgate.client.PushListener}: where pushes arrive, in order and exactly once.
 *   <li>{@link io.linkgate.client.Cursor}: the position to persist so a restarted app resumes.
 *   <li>{@link io.linkgate.client.Endpoints}: building and parsing endpoints ({@code tcp://host:port}).
 * </ul>
 *
 * <p>Transports are plugins: put a transport's artifact on the class path (for example {@code
 * io.linkgate:linkgate-transport-tcp}) and name it in the endpoints.
 */
package io.linkgate.client;
