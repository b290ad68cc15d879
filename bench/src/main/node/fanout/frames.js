'use strict';
// Linkgate's wire format, as much of it as the load client needs: varint32-length-prefixed
// protobuf `Frame`s (api/src/main/proto), written by hand so that a push is read in place, with
// no object per message. Field numbers are the .proto's.

const FRAME = { hello: 1, welcome: 2, push: 5, ping: 7, pong: 8, goAway: 9, error: 10, subscribe: 11 };
const HELLO = { token: 1, deviceId: 2, role: 3, heartbeatMs: 5, clientVersion: 6 };
const PUSH_PAYLOAD = 5;
const ROLE_DOWNLINK = 1;
const MAX_FRAME_BYTES = 1 << 20;
const TWO_POW_32 = 4294967296;

function varint(value) {
  const bytes = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function stringField(field, text) {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([varint((field << 3) | 2), varint(body.length), body]);
}

function varintField(field, value) {
  return Buffer.concat([varint(field << 3), varint(value)]);
}

/** One length-prefixed Frame whose oneof field `kind` holds the encoded message `body`. */
function frame(kind, body) {
  const inner = Buffer.concat([varint((kind << 3) | 2), varint(body.length), body]);
  return Buffer.concat([varint(inner.length), inner]);
}

/** A downlink Hello: the benchmark's user authenticates with `token`. */
function hello(token, deviceId, heartbeatMs) {
  return frame(
    FRAME.hello,
    Buffer.concat([
      stringField(HELLO.token, token),
      stringField(HELLO.deviceId, deviceId),
      varintField(HELLO.role, ROLE_DOWNLINK),
      varintField(HELLO.heartbeatMs, heartbeatMs),
      stringField(HELLO.clientVersion, 'linkgate-bench-node'),
    ]));
}

function subscribe(room) {
  return frame(FRAME.subscribe, stringField(1, room));
}

/** The Pong to a Ping: both carry one field, the nonce, so the Ping's body is the Pong's. */
function pong(buf, bodyStart, bodyEnd) {
  return frame(FRAME.pong, Buffer.from(buf.subarray(bodyStart, bodyEnd)));
}

/**
 * Reads a varint at `pos` of `buf`, up to `end`: returns [value, next position], or null when the
 * bytes end first. Values past 2^53 lose precision, which no length or tag here reaches.
 */
function readVarint(buf, pos, end) {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < end && i < pos + 10; i++) {
    const b = buf[i];
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      return [value, i + 1];
    }
    scale *= 0x80;
  }
  if (end - pos >= 10) {
    throw new Error('varint longer than 10 bytes');
  }
  return null;
}

/** The position after the field value of `wireType` that starts at `pos`. */
function skipField(buf, pos, end, wireType) {
  switch (wireType) {
    case 0: return readVarint(buf, pos, end)[1];
    case 1: return pos + 8;
    case 2: {
      const [len, next] = readVarint(buf, pos, end);
      return next + len;
    }
    case 5: return pos + 4;
    default: throw new Error('unsupported wire type ' + wireType);
  }
}

/**
 * The send stamp of a Push body (buf[start, end)): the first 8 payload bytes, big-endian
 * nanoseconds of the sender's CLOCK_MONOTONIC. -1 when the payload is shorter or absent.
 */
function pushStamp(buf, start, end) {
  let pos = start;
  while (pos < end) {
    const [tag, next] = readVarint(buf, pos, end);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === PUSH_PAYLOAD && wireType === 2) {
      const [len, body] = readVarint(buf, next, end);
      if (len < 8 || body + 8 > end) {
        return -1;
      }
      return buf.readUInt32BE(body) * TWO_POW_32 + buf.readUInt32BE(body + 4);
    }
    pos = skipField(buf, next, end, wireType);
  }
  return -1;
}

/**
 * Splits a TCP byte stream into frames. `onFrame(kind, buf, bodyStart, bodyEnd)` gets each
 * frame's oneof field number and the bounds of its message in `buf` (valid during the call only).
 * Keeps at most one incomplete frame between chunks; a frame longer than MAX_FRAME_BYTES or not
 * a length-delimited oneof is an error (the stream cannot be trusted after it).
 */
class FrameReader {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.pending = null;
  }

  /** Takes one chunk; returns how many frames it completed. */
  push(chunk) {
    const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    let pos = 0;
    let frames = 0;
    while (pos < buf.length) {
      const header = readVarint(buf, pos, buf.length);
      if (header === null) {
        break;
      }
      const [len, start] = header;
      if (len > MAX_FRAME_BYTES) {
        throw new Error(`frame of ${len} bytes, more than ${MAX_FRAME_BYTES}`);
      }
      const end = start + len;
      if (end > buf.length) {
        break;
      }
      const [tag, body] = readVarint(buf, start, end);
      if ((tag & 7) !== 2) {
        throw new Error('frame field ' + tag + ' is not a message');
      }
      const [bodyLen, bodyStart] = readVarint(buf, body, end);
      if (bodyStart + bodyLen !== end) {
        throw new Error('frame body does not fill the frame');
      }
      this.onFrame(Math.floor(tag / 8), buf, bodyStart, end);
      frames++;
      pos = end;
    }
    this.pending = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
    return frames;
  }
}

module.exports = { FRAME, FrameReader, hello, subscribe, pong, pushStamp, readVarint, frame, varint };
