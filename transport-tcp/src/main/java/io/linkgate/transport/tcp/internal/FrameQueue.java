package io.linkgate.transport.tcp.internal;

import io.linkgate.api.EncodedFrame;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free queue of frames with many producers and one consumer (the channel's event loop), and
 * a count of the bytes it holds.
 *
 * <p>A linked list with a stub node: an idle connection pays for one node, not an array. Producers
 * swap themselves in as the tail with one atomic exchange and then link the old tail to them; the
 * consumer may briefly see a producer's node as not yet linked, in which case that producer's own
 * drain request (made after linking) picks it up.
 */
final class FrameQueue {
  private static final VarHandle TAIL;
  private static final VarHandle BYTES;
  private static final VarHandle NEXT;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      TAIL = lookup.findVarHandle(FrameQueue.class, "tail", Node.class);
      BYTES = lookup.findVarHandle(FrameQueue.class, "bytes", long.class);
      NEXT = lookup.findVarHandle(Node.class, "next", Node.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final class Node {
    EncodedFrame frame;
    volatile Node next;

    Node(EncodedFrame frame) {
      this.frame = frame;
    }
  }

  /** Consumer only: the last node taken (its frame already handed out). */
  private Node head;

  @SuppressWarnings("unused") // through TAIL
  private volatile Node tail;

  @SuppressWarnings("unused") // through BYTES
  private volatile long bytes;

  FrameQueue() {
    Node stub = new Node(null);
    head = stub;
    tail = stub;
  }

  /** Counts {@code size} more bytes as queued and returns the new total. */
  long reserve(long size) {
    return (long) BYTES.getAndAdd(this, size) + size;
  }

  /** Stops counting {@code size} bytes (frames taken out, or a reservation not used). */
  void release(long size) {
    BYTES.getAndAdd(this, -size);
  }

  long bytes() {
    return (long) BYTES.getVolatile(this);
  }

  /** Any thread. The frame's bytes must have been reserved. */
  void offer(EncodedFrame frame) {
    Node node = new Node(frame);
    Node previous = (Node) TAIL.getAndSet(this, node);
    NEXT.setRelease(previous, node);
  }

  /** Consumer only. The next frame, or null when none is (yet) visible. */
  EncodedFrame poll() {
    Node next = head.next;
    if (next == null) {
      return null;
    }
    head = next;
    EncodedFrame frame = next.frame;
    next.frame = null; // the node becomes the stub; let the frame go
    return frame;
  }
}
