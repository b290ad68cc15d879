package io.linkgate.api.transport;

import io.linkgate.api.proto.Role;

/**
 * What the transport knows of a connection when it hands it to the core.
 *
 * @param transport the transport's name
 * @param role downlink or uplink
 * @param remoteAddress the peer, for logs
 * @param tls whether the connection is encrypted
 * @param heartbeatMs the heartbeat interval the transport granted (downlinks), 0 if none
 */
public record ConnectionInfo(
    String transport, Role role, String remoteAddress, boolean tls, int heartbeatMs) {}
