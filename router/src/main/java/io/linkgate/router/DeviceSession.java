package io.linkgate.router;

/**
 * One device's downlink, as the session registry knows it.
 *
 * @param userId the authenticated user
 * @param deviceId the device, as named in its {@code Hello}
 * @param sessionId the downlink session (the {@code Welcome.session_id})
 * @param nodeId the node holding the connection
 * @param ackedSeq the highest seq the device acknowledged (cumulative; 0 for none)
 * @param transport the transport the downlink runs on ({@code tcp}, {@code grpc}, ...; empty if unknown)
 * @param connectedAtMs when the downlink connected (epoch milliseconds; 0 if unknown)
 */
public record DeviceSession(
    String userId,
    String deviceId,
    String sessionId,
    String nodeId,
    long ackedSeq,
    String transport,
    long connectedAtMs) {

  public DeviceSession {
    transport = transport == null ? "" : transport;
  }

  /** A session whose transport and connect time are not known (tests, lookups by id). */
  public DeviceSession(String userId, String deviceId, String sessionId, String nodeId, long ackedSeq) {
    this(userId, deviceId, sessionId, nodeId, ackedSeq, "", 0);
  }

  /** The same session with a higher acked seq (never lower). */
  public DeviceSession withAckedSeq(long seq) {
    return seq <= ackedSeq
        ? this
        : new DeviceSession(userId, deviceId, sessionId, nodeId, seq, transport, connectedAtMs);
  }
}
