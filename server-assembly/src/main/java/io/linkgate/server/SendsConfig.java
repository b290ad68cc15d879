package io.linkgate.server;

import java.util.List;

/**
 * What the node does with the {@code Send} frames clients put on their uplinks.
 *
 * @param handler {@code deliver} (the default: direct messages and rooms delivered by the node) or
 *     {@code redis-stream} (each accepted send is appended to a Redis Stream on {@code store.uri},
 *     acked once stored, and delivered by a business service consuming the stream, for example
 *     {@code io.linkgate.router.stream.DeliveringConsumer})
 * @param stream for redis-stream: the stream's key; default {@code lg:uplink}
 * @param streamMaxLen for redis-stream: the stream is trimmed to about this many entries; default
 *     1,000,000
 */
public record SendsConfig(String handler, String stream, Long streamMaxLen) {
  public static final String DELIVER = "deliver";
  public static final String REDIS_STREAM = "redis-stream";
  static final List<String> HANDLERS = List.of(DELIVER, REDIS_STREAM);

  public SendsConfig {
    handler = handler == null || handler.isBlank() ? DELIVER : handler.trim();
    if (!HANDLERS.contains(handler)) {
      throw new ConfigException("sends.handler must be one of " + HANDLERS + ", got '" + handler + "'");
    }
    if (handler.equals(REDIS_STREAM)) {
      stream = stream == null || stream.isBlank() ? "lg:uplink" : stream;
      streamMaxLen = streamMaxLen == null ? 1_000_000L : streamMaxLen;
      if (streamMaxLen <= 0) {
        throw new ConfigException("sends.stream-max-len must be positive, got " + streamMaxLen);
      }
    } else if (stream != null || streamMaxLen != null) {
      throw new ConfigException("sends.stream and stream-max-len apply to sends.handler redis-stream only");
    }
  }

  public static SendsConfig defaults() {
    return new SendsConfig(null, null, null);
  }
}
