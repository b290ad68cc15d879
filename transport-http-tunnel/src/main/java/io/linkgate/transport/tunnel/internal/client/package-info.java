/**
 * The tunnel's client on the JDK {@code HttpClient}: {@code HttpClientUplink} (POSTs batched by
 * {@code FramePoster}), {@code StreamingClientDownlink} and {@code PollingClientDownlink} (chosen
 * by {@code DownlinkOpener}), with bodies read as frames by {@code FrameSubscriber}.
 */
package io.linkgate.transport.tunnel.internal.client;
