/**
 * Real servers for Linkgate's own tests, started and killed by the tests on free loopback ports:
 * {@link io.linkgate.testing.RedisServerProcess}. Not part of any shipped artifact's runtime.
 */
package io.linkgate.testing;
