/**
 * The Linkgate router: sessions, delivery, per-user seq and inbox, acks, rooms, uplink handling.
 *
 * <p>Starting points:
 *
 * <ul>
 *   <li>{@link io.linkgate.router.Router#builder()}: build one, hand it to transports as their
 *       {@link io.linkgate.api.transport.SessionHandler}, or embed it and call {@code push}.
 *   <li>{@link io.linkgate.router.Hs256Authenticator}: the default token check (HS256 JWT).
 *   <li>{@link io.linkgate.router.BusinessHandler}: replace what happens to a client's {@code Send}.
 *   <li>{@link io.linkgate.router.store.RouterStore}: where sessions and inboxes live.
 * </ul>
 */
package io.linkgate.router;
