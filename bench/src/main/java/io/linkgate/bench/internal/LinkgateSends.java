package io.linkgate.bench.internal;

/**
 * What the Linkgate server does with each uplink {@code Send} ({@code --linkgate-sends}): the
 * router's own handling, or only an ack, to tell how much of the uplink gap to the raw baselines
 * is the transport and how much the storing path.
 */
public enum LinkgateSends {
  /** The router's default: dedup, the recipient's and the sender's inbox with their seqs, the ack. */
  STORE("store"),
  /** Dedup and an {@link AckOnlyHandler} ack; nothing stored or pushed. */
  ACK_ONLY("ack-only");

  private final String flag;

  LinkgateSends(String flag) {
    this.flag = flag;
  }

  /** As on the command line, and as the server process's {@code sends} argument. */
  public String flag() {
    return flag;
  }

  public static LinkgateSends of(String flag) {
    for (LinkgateSends s : values()) {
      if (s.flag.equals(flag)) {
        return s;
      }
    }
    throw new IllegalArgumentException("--linkgate-sends is store or ack-only, got '" + flag + "'");
  }

  /** What a report calls the Linkgate column, so a table of ack-only figures says so. */
  public String subject() {
    return this == STORE ? "Linkgate" : "Linkgate ack-only";
  }

  /** A sentence for the end of a report's setup text; empty for the real path. */
  public String setupNote() {
    return this == STORE
        ? ""
        : " **Linkgate ran with the ack-only business handler** (`--linkgate-sends ack-only`): each "
            + "Send was authenticated, passed the router's dedup and got a SendAck, and nothing was "
            + "stored or pushed. These are not the figures of Linkgate's send path.";
  }
}
