package io.linkgate.examples.business;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The business logic: a bot that answers commands sent to its user. This is the class to replace
 * with your own; it knows nothing of Redis, streams or the router, only what a user wrote and what
 * to answer.
 *
 * <ul>
 *   <li>{@code /time}: the server's current time (ISO-8601 UTC, and epoch milliseconds).
 *   <li>{@code /help}: the commands.
 *   <li>anything else (an unknown command, plain text, an empty message, a long one, bytes that are
 *       not UTF-8): an answer saying what was wrong and pointing at {@code /help}.
 * </ul>
 *
 * Every answer is short whatever came in: what the user wrote is quoted at most {@value
 * #MAX_QUOTED} characters long.
 */
public final class TimeBot {
  /** A command longer than this is not one: no need to read (or quote) a whole 64 KiB payload. */
  static final int MAX_COMMAND_BYTES = 256;

  static final int MAX_QUOTED = 32;

  static final String HELP =
      "Commands:\n"
          + "  /time  the server's current time\n"
          + "  /help  this list";

  private final Clock clock;

  public TimeBot(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The answer to {@code payload}, which a user sent to the bot. Never null, never long. */
  public String answer(ByteString payload) {
    if (payload.isEmpty()) {
      return "Empty message. Send /help to see what I understand.";
    }
    if (payload.size() > MAX_COMMAND_BYTES) {
      return "Message too long for a command (" + payload.size() + " bytes; at most " + MAX_COMMAND_BYTES
          + "). Send /help to see what I understand.";
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload.toByteArray()))
          .toString()
          .strip();
    } catch (CharacterCodingException e) {
      return "I read UTF-8 text only. Send /help to see what I understand.";
    }
    if (text.isEmpty()) {
      return "Empty message. Send /help to see what I understand.";
    }
    if (!text.startsWith("/")) {
      return "I answer commands only. Send /help to see them.";
    }
    String command = text.split("\\s+", 2)[0];
    switch (command) {
      case "/time":
        Instant now = clock.instant();
        return "Server time: " + now + " (" + now.toEpochMilli() + " ms since the epoch)";
      case "/help":
        return HELP;
      default:
        return "Unknown command '" + quote(command) + "'. Send /help to see what I understand.";
    }
  }

  private static String quote(String s) {
    // Control characters would let a user forge lines in someone's chat view or our logs.
    String clean = s.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
    return clean.codePointCount(0, clean.length()) <= MAX_QUOTED
        ? clean
        : clean.substring(0, clean.offsetByCodePoints(0, MAX_QUOTED)) + "...";
  }
}
