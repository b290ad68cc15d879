/**
 * Linkgate's HTTP tunnel: the same frames as TCP, carried in ordinary HTTP requests so that they
 * pass proxies and firewalls that allow nothing else.
 *
 * <p>Starting points: {@link io.linkgate.transport.tunnel.HttpTunnelTransportProvider} (server,
 * found through {@code ServiceLoader} as {@code http-tunnel}) and {@link
 * io.linkgate.transport.tunnel.HttpTunnelClientTransportProvider} (client). Everything else lives
 * in the {@code internal} packages.
 *
 * <h2>Endpoints</h2>
 *
 * Bodies are varint32-length-prefixed {@code Frame}s, content type {@code
 * application/x-linkgate-frames}. Every request carries {@code Authorization: Bearer <token>} and
 * {@code device_id=<id>} in the query.
 *
 * <ul>
 *   <li>{@code POST /v1/tunnel/uplink?device_id=D} (uplink port): the body's frames are answered
 *       one for one, in order ({@code SendAck}, {@code Pong}, {@code Error}, or the empty frame for
 *       {@code PushAck}/{@code Subscribe}/{@code Unsubscribe}). An empty body is the handshake: its
 *       answer is the {@code Welcome}. A bad frame is answered with its {@code Error} in its place
 *       and ends the request (and the connection).
 *   <li>{@code GET
 *       /v1/tunnel/downlink?device_id=D[&resume_from_seq=N&resume_epoch=E&heartbeat_ms=H]}
 *       (downlink port): a chunked response that is the downlink: {@code Welcome}, the replay, then
 *       pushes as they happen, a {@code Ping} whenever nothing else was written for a heartbeat
 *       interval, {@code GoAway}/{@code Error} before an end. It ends cleanly after its maximum
 *       age; the client reconnects and resumes.
 *   <li>{@code GET ...&mode=poll[&session_id=S&hold_ms=T]}: long-polling. The first poll opens the
 *       session and returns its {@code Welcome} and replay at once; later polls name the session
 *       and carry {@code resume_from_seq}, which acknowledges every push up to it; they return as
 *       soon as frames wait, or empty after the hold. The response carrying a closed session's last
 *       frames has {@code X-Linkgate-Closed: true}.
 *   <li>{@code POST /v1/tunnel/downlink?device_id=D&session_id=S}: the frames a client sends on its
 *       downlink ({@code Ping}, {@code PushAck}, {@code Subscribe}, {@code Unsubscribe}), answered
 *       in order like uplink frames, and their answers also sent down the downlink. The client must
 *       send something (a {@code Ping}) every heartbeat interval, as on TCP.
 *   <li>{@code DELETE /v1/tunnel/downlink?device_id=D&session_id=S}, or the same as a {@code POST}
 *       with {@code end=true} (what the client sends: strict proxies pass only GET and POST): ends
 *       the downlink session.
 * </ul>
 *
 * Errors are an HTTP status with exactly one {@code Error} frame as the body and an {@code
 * X-Linkgate-Error: <CODE>} header: 400 bad parameter (a {@code resume_from_seq} past 2^63 - 1 too)
 * or malformed request (a body Jetty cannot parse, such as a bad or truncated chunk, is {@code
 * BAD_FRAME}), 401 bad or missing token, 403 forbidden, 404 unknown path or session, 405 wrong
 * method, 408 no complete request head within the handshake timeout of the connection's open, or a
 * body not complete within the body timeout ({@code TIMEOUT}, and the connection is closed), 413
 * body or frame count over the limit, 415 wrong content type, 429 too many devices or poll sessions
 * for the user, 503 node draining or full (poll sessions, or the bytes of request bodies held at
 * once), with {@code Retry-After}.
 *
 * <p>A device has one poll session: opening a new one ends the old one at once. A closed poll
 * session whose last frames no poll comes for is dropped one hold after it closed.
 */
package io.linkgate.transport.tunnel;
