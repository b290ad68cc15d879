package io.linkgate.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** Writes bytes the way a slowloris client does, for {@link RawConnection#sendTrickled}. */
public final class Trickle {
  private Trickle() {}

  /**
   * Writes {@code bytes} one at a time, {@code gap} apart, for at most {@code atMost}, stopping as
   * soon as the server has something to say (its refusal, typically) or a write fails.
   *
   * @param in the connection's input, looked at (never read) between bytes
   * @return how many bytes were written
   */
  public static int write(OutputStream out, InputStream in, byte[] bytes, Duration gap, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    int written = 0;
    try {
      for (byte b : bytes) {
        if (System.nanoTime() >= deadline || in.available() > 0) {
          break;
        }
        out.write(b);
        out.flush();
        written++;
        Thread.sleep(gap.toMillis());
      }
    } catch (IOException e) {
      // the server closed the connection: what the caller is waiting for
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return written;
  }
}
