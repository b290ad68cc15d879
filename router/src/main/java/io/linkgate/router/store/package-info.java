/**
 * The router's store SPI: {@link io.linkgate.router.store.RouterStore} bundles the {@link
 * io.linkgate.router.store.SessionRegistry}, the per-user {@link io.linkgate.router.store.Inboxes}
 * and the {@link io.linkgate.router.store.NoticeBus}. The in-memory default serves one JVM; a shared
 * store (Redis) lets several nodes, and business services embedding the router, reach every user.
 */
package io.linkgate.router.store;
