/**
 * The Linkgate transport test kit: the conformance suite every transport passes.
 *
 * <p>Starting points:
 *
 * <ul>
 *   <li>{@link io.linkgate.tck.TransportConformanceSuite}: extend it in a test, name the
 *       transport's server and client providers, and every test runs against them.
 *   <li>{@link io.linkgate.tck.RawAccess} and {@link io.linkgate.tck.RawConnection}: the small
 *       wire-level hook the transport's test implements for what its client cannot do on purpose.
 *   <li>{@link io.linkgate.tck.RecordingTransportEvents}: for a transport's own tests, what it
 *       reported for metrics (pushes written, slow consumers, heartbeat timeouts, errors).
 * </ul>
 *
 * <p>Everything else in this package is the kit's own machinery and package-private.
 */
package io.linkgate.tck;
