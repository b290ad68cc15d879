package io.linkgate.router;

import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks at a stream the way any Redis client would, to check what the handler wrote and what a
 * consumer group holds, independently of the code under test.
 */
final class StreamPeek implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final RedisCommands<String, byte[]> redis;

  StreamPeek(String uri) {
    client = RedisClient.create(uri);
    connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    redis = connection.sync();
  }

  List<StreamMessage<String, byte[]>> entries(String stream) {
    return redis.xrange(stream, Range.create("-", "+"));
  }

  /** The entry's fields as text (every field but the payload is text). */
  static Map<String, String> text(StreamMessage<String, byte[]> entry) {
    Map<String, String> out = new LinkedHashMap<>();
    entry.getBody().forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
    return out;
  }

  /** Reads new entries as consumer {@code name} of {@code group}, and acks nothing: what a consumer does before it dies. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  List<StreamMessage<String, byte[]>> readAndDie(String stream, String group, String name) {
    XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[] {XReadArgs.StreamOffset.lastConsumed(stream)};
    return redis.xreadgroup(Consumer.from(group, name), XReadArgs.Builder.count(100), offsets);
  }

  long length(String stream) {
    return redis.xlen(stream);
  }

  /** Entries delivered to the group's consumers and not acked yet. */
  long pending(String stream, String group) {
    return redis.xpending(stream, group).getCount();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
  }
}
