package io.linkgate.examples.business;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimeBotTest {
  private static final Instant NOW = Instant.parse("2026-12-06T10:15:30Z");
  private final TimeBot bot = new TimeBot(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void timeAnswersTheServerClockInIsoAndEpochMillis() {
    assertThat(bot.answer(ByteString.copyFromUtf8("/time")))
        .isEqualTo("Server time: 2026-12-06T10:15:30Z (" + NOW.toEpochMilli() + " ms since the epoch)");
    assertThat(bot.answer(ByteString.copyFromUtf8("  /time please  "))).startsWith("Server time: 2026-12-06T10:15:30Z");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(bot.answer(ByteString.copyFromUtf8("/help"))).isEqualTo(TimeBot.HELP).contains("/time");
  }

  @Test
  void plainTextAndUnknownCommandsPointAtHelp() {
    assertThat(bot.answer(ByteString.copyFromUtf8("hello"))).isEqualTo("I answer commands only. Send /help to see them.");
    assertThat(bot.answer(ByteString.copyFromUtf8("/weather"))).isEqualTo("Unknown command '/weather'. Send /help to see what I understand.");
  }

  @Test
  void emptyBlankLongAndNonUtf8MessagesGetAShortExplanation() {
    assertThat(bot.answer(ByteString.EMPTY)).startsWith("Empty message.");
    assertThat(bot.answer(ByteString.copyFromUtf8(" \t "))).startsWith("Empty message.");
    assertThat(bot.answer(ByteString.copyFrom(new byte[64 * 1024])))
        .startsWith("Message too long for a command (65536 bytes; at most 256)");
    assertThat(bot.answer(ByteString.copyFrom(new byte[] {'/', (byte) 0xC3, (byte) 0x28}))).startsWith("I read UTF-8 text only.");
  }

  @Test
  void anUnknownCommandIsQuotedShortAndWithoutControlCharacters() {
    String answer = bot.answer(ByteString.copyFromUtf8("/" + "x".repeat(100)));
    assertThat(answer).contains("'/" + "x".repeat(TimeBot.MAX_QUOTED - 1) + "...'").hasSizeLessThan(120);
    assertThat(bot.answer(ByteString.copyFromUtf8("/a\u0007b"))).contains("'/a?b'");
  }
}
