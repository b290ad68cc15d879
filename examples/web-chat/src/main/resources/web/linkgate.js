// linkgate.js: a browser client for Linkgate (the HTTP tunnel, and the WebSocket transport of
// examples/websocket-transport), as one ES module with no build step.
//
//   import { LinkgateClient } from './linkgate.js';
//   const client = new LinkgateClient({
//     uplinkUrl: 'http://localhost:8081', downlinkUrl: 'http://localhost:8080',
//     getToken: async () => (await fetch('/dev/token?user=alice')).text(),
//   });
//   client.on('push', push => console.log(push.from, new TextDecoder().decode(push.payload)));
//   client.connect();
//   await client.send('user:bob', 'hello bob'); // resolves with the SendAck
//
// Three layers, each usable alone:
//   1. the codec: a hand-written protobuf codec for linkgate.v1.Frame (api/.../linkgate.proto) and
//      the varint32-length-prefixed stream of frames the tunnel carries;
//   2. transports: httpTunnel() speaks the tunnel's requests (streamed or long-polled downlink,
//      batched uplink POSTs); webSocket() the WebSocket plugin's messages. A transport is an object
//      with three members (and an optional probe()): name, openDownlink(params, listener),
//      uplink(frames, auth);
//   3. LinkgateClient: transports tried in order (an unreachable one passed over for a while, then
//      probed), reconnect with backoff and resume, duplicates dropped by seq, cumulative acks,
//      heartbeats, rooms kept across reconnects, sends queued and batched.

// ---------------------------------------------------------------------------------------------
// 1. Codec
// ---------------------------------------------------------------------------------------------

const STRING = 'string';
const BYTES = 'bytes';
const UINT = 'uint'; // uint32, uint64: a Number (a BigInt past 2^53)
const INT64 = 'int64';
const BOOL = 'bool';
const MAP = 'map'; // map<string, string>: a plain object

const ROLES = ['ROLE_UNSPECIFIED', 'DOWNLINK', 'UPLINK'];

/** linkgate.v1.ErrorCode names by number. */
export const ERROR_CODES = [
  'ERROR_CODE_UNSPECIFIED', 'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_FRAME', 'FRAME_TOO_LARGE',
  'RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL', 'INVALID_ARGUMENT', 'SLOW_CONSUMER', 'TIMEOUT',
  'RESYNC_REQUIRED',
];

const ENDPOINT = [
  [1, 'transport', STRING], [2, 'role', ROLES], [3, 'host', STRING], [4, 'port', UINT],
  [5, 'tls', BOOL], [6, 'loadLevel', UINT],
];

// Each message: [field number, name, type]; a type that is an array is an enum's names, an
// object {repeated: schema} a repeated message. Field numbers are those of linkgate.proto.
const SCHEMAS = {
  hello: [
    [1, 'token', STRING], [2, 'deviceId', STRING], [3, 'role', ROLES], [4, 'resumeFromSeq', UINT],
    [5, 'heartbeatMs', UINT], [6, 'clientVersion', STRING], [7, 'resumeEpoch', STRING],
  ],
  welcome: [
    [1, 'sessionId', STRING], [2, 'nodeId', STRING], [3, 'userId', STRING], [4, 'heartbeatMs', UINT],
    [5, 'lastSeq', UINT], [6, 'resumed', BOOL], [7, 'epoch', STRING],
  ],
  send: [[1, 'clientMsgId', STRING], [2, 'to', STRING], [3, 'payload', BYTES], [4, 'headers', MAP]],
  sendAck: [[1, 'clientMsgId', STRING], [2, 'msgId', STRING], [3, 'serverTimeMs', INT64]],
  push: [
    [1, 'seq', UINT], [2, 'msgId', STRING], [3, 'from', STRING], [4, 'to', STRING],
    [5, 'payload', BYTES], [6, 'serverTimeMs', INT64], [7, 'headers', MAP],
  ],
  pushAck: [[1, 'upToSeq', UINT]],
  ping: [[1, 'nonce', UINT]],
  pong: [[1, 'nonce', UINT]],
  goAway: [[1, 'reason', STRING], [2, 'reconnectTo', { repeated: ENDPOINT }]],
  error: [[1, 'code', ERROR_CODES], [2, 'message', STRING], [3, 'clientMsgId', STRING]],
  subscribe: [[1, 'room', STRING]],
  unsubscribe: [[1, 'room', STRING]],
};

/** The Frame oneof's kinds; kind i has field number i + 1. */
export const FRAME_KINDS = Object.keys(SCHEMAS);

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Bytes being written; grows as needed. */
class Writer {
  constructor() {
    this.buf = new Uint8Array(64);
    this.len = 0;
  }

  byte(b) {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }

  bytes(bytes) {
    for (const b of bytes) this.byte(b);
  }

  /** A varint of a non-negative Number or BigInt (negative ones as 64-bit two's complement). */
  varint(n) {
    if (typeof n === 'bigint' || n < 0 || n > Number.MAX_SAFE_INTEGER) {
      let v = BigInt.asUintN(64, BigInt(n));
      while (v >= 0x80n) {
        this.byte(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.byte(Number(v));
      return;
    }
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  tag(field, wireType) {
    this.varint(field * 8 + wireType);
  }

  lengthDelimited(field, bytes) {
    this.tag(field, 2);
    this.varint(bytes.length);
    this.bytes(bytes);
  }

  result() {
    return this.buf.slice(0, this.len);
  }
}

/** Bytes being read. */
class Reader {
  constructor(bytes, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  /** A varint as a Number, or as a BigInt when it does not fit one exactly. */
  varint() {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.bytes[this.pos++];
      if (i >= 7) return this.bigVarint(result, b, i); // past 49 bits a Number may lose bits
      result += (b & 0x7f) * scale;
      scale *= 0x80;
      if (b < 0x80) return result;
    }
    throw new Error('malformed varint');
  }

  bigVarint(low, b, i) {
    let result = BigInt(low);
    let shift = BigInt(7 * i);
    for (;;) {
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      if (++i === 10 || this.pos >= this.end) throw new Error('malformed varint');
      b = this.bytes[this.pos++];
      shift += 7n;
    }
    result = BigInt.asUintN(64, result);
    return result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result;
  }

  lengthDelimited() {
    const len = this.varint();
    if (typeof len !== 'number' || this.pos + len > this.end) throw new Error('truncated field');
    const start = this.pos;
    this.pos += len;
    return this.bytes.subarray(start, start + len);
  }

  /** Skips a field this codec does not know: unknown fields are ignored, as protobuf does. */
  skip(wireType) {
    switch (wireType) {
      case 0: this.varint(); return;
      case 1: this.pos += 8; break;
      case 2: this.lengthDelimited(); return;
      case 5: this.pos += 4; break;
      default: throw new Error(`unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new Error('truncated field');
  }
}

function isDefault(type, value) {
  if (value === undefined || value === null) return true;
  if (type === MAP) return Object.keys(value).length === 0;
  if (type.repeated) return value.length === 0;
  if (type === BYTES) return value.length === 0;
  if (Array.isArray(type)) return enumNumber(type, value) === 0;
  return value === '' || value === 0 || value === 0n || value === false;
}

function enumNumber(names, value) {
  if (typeof value === 'number') return value;
  const n = names.indexOf(value);
  if (n < 0) throw new Error(`unknown enum value ${value}`);
  return n;
}

function encodeMessage(schema, message) {
  const w = new Writer();
  for (const [field, name, type] of schema) {
    const value = message[name];
    if (isDefault(type, value)) continue; // proto3: defaults are not written
    if (type === STRING) {
      w.lengthDelimited(field, utf8Encoder.encode(value));
    } else if (type === BYTES) {
      w.lengthDelimited(field, typeof value === 'string' ? utf8Encoder.encode(value) : value);
    } else if (type === UINT || type === INT64 || type === BOOL || Array.isArray(type)) {
      w.tag(field, 0);
      w.varint(type === BOOL ? 1 : Array.isArray(type) ? enumNumber(type, value) : value);
    } else if (type === MAP) {
      for (const [k, v] of Object.entries(value)) {
        // A map entry is a message {1: key, 2: value}.
        w.lengthDelimited(field, encodeMessage([[1, 'k', STRING], [2, 'v', STRING]], { k, v }));
      }
    } else {
      for (const item of value) w.lengthDelimited(field, encodeMessage(type.repeated, item));
    }
  }
  return w.result();
}

function defaultOf(type) {
  if (type === STRING) return '';
  if (type === BYTES) return new Uint8Array(0);
  if (type === BOOL) return false;
  if (type === MAP) return {};
  if (type.repeated) return [];
  if (Array.isArray(type)) return type[0];
  return 0;
}

function decodeMessage(schema, bytes) {
  const message = {};
  for (const [, name, type] of schema) message[name] = defaultOf(type);
  const r = new Reader(bytes);
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    const known = schema.find(([f]) => f === field);
    const type = known?.[2];
    const expected = type === UINT || type === INT64 || type === BOOL || Array.isArray(type) ? 0 : 2;
    if (!known || wireType !== expected) {
      r.skip(wireType);
      continue;
    }
    const name = known[1];
    if (type === STRING) message[name] = utf8Decoder.decode(r.lengthDelimited());
    else if (type === BYTES) message[name] = r.lengthDelimited().slice();
    else if (type === BOOL) message[name] = r.varint() !== 0;
    else if (type === UINT) message[name] = r.varint();
    else if (type === INT64) message[name] = toInt64(r.varint());
    else if (Array.isArray(type)) {
      const n = r.varint();
      message[name] = type[n] ?? n; // an enum value newer than this codec stays a number
    } else if (type === MAP) {
      const entry = decodeMessage([[1, 'k', STRING], [2, 'v', STRING]], r.lengthDelimited());
      message[name][entry.k] = entry.v;
    } else {
      message[name].push(decodeMessage(type.repeated, r.lengthDelimited()));
    }
  }
  return message;
}

function toInt64(v) {
  if (typeof v === 'number') return v;
  const signed = BigInt.asIntN(64, v);
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(signed) : signed;
}

/**
 * The kind of a frame object: 'push', 'sendAck', ..., or undefined for a frame kind this codec
 * does not know (a newer server's; such frames should be ignored).
 * @param {object} frame
 * @returns {string|undefined}
 */
export function frameKind(frame) {
  return FRAME_KINDS.find(k => frame[k] !== undefined);
}

/**
 * Encodes one frame (without its length prefix). A frame is an object with one key, the kind:
 * `{ send: { clientMsgId: 'm1', to: 'user:bob', payload: 'hi' } }`. Field names are the proto's in
 * lowerCamelCase; omitted fields take their defaults; `payload` may be a string (UTF-8) or a
 * Uint8Array; enums are names ('DOWNLINK') or numbers.
 * @param {object} frame
 * @returns {Uint8Array}
 */
export function encodeFrame(frame) {
  const kind = frameKind(frame);
  if (kind === undefined) throw new Error(`not a frame: ${JSON.stringify(frame)}`);
  const w = new Writer();
  // A oneof member is written even when all its fields are defaults: its presence is the kind.
  w.lengthDelimited(FRAME_KINDS.indexOf(kind) + 1, encodeMessage(SCHEMAS[kind], frame[kind]));
  return w.result();
}

/**
 * Decodes one frame body. Every field of the kind is present (defaults filled in, as proto3 reads
 * them); unknown fields are skipped; an unknown kind gives `{}` (see frameKind).
 * @param {Uint8Array} bytes
 * @returns {object}
 */
export function decodeFrame(bytes) {
  const r = new Reader(bytes);
  let frame = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const kind = FRAME_KINDS[field - 1];
    if (kind === undefined || tag % 8 !== 2) {
      r.skip(tag % 8);
      continue;
    }
    frame = { [kind]: decodeMessage(SCHEMAS[kind], r.lengthDelimited()) }; // oneof: last one wins
  }
  return frame;
}

/**
 * Encodes frames as the tunnel's bodies carry them: each preceded by its length as a varint32.
 * @param {object[]} frames
 * @returns {Uint8Array}
 */
export function encodeFrames(frames) {
  const w = new Writer();
  for (const frame of frames) {
    const body = encodeFrame(frame);
    w.varint(body.length);
    w.bytes(body);
  }
  return w.result();
}

/**
 * Splits a byte stream into frames, whatever the chunks: bytes go in as they arrive, whole frames
 * come out. A length over the limit is refused before its body is waited for.
 */
export class FrameReader {
  /** @param {number} [maxFrameBytes=65536] */
  constructor(maxFrameBytes = 64 * 1024) {
    this.maxFrameBytes = maxFrameBytes;
    this.pending = new Uint8Array(0);
  }

  /**
   * @param {Uint8Array} chunk
   * @returns {object[]} the frames completed by this chunk, in order
   */
  push(chunk) {
    const data = new Uint8Array(this.pending.length + chunk.length);
    data.set(this.pending);
    data.set(chunk, this.pending.length);
    const frames = [];
    let pos = 0;
    for (;;) {
      const header = peekLength(data, pos, this.maxFrameBytes);
      if (header === null || pos + header.size + header.length > data.length) break;
      const start = pos + header.size;
      frames.push(decodeFrame(data.subarray(start, start + header.length)));
      pos = start + header.length;
    }
    this.pending = data.slice(pos);
    return frames;
  }

  /** Whether a frame has begun but not ended: a body that stops here was cut short. */
  get partial() {
    return this.pending.length > 0;
  }
}

function peekLength(data, pos, max) {
  let length = 0;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= data.length) return null;
    const b = data[pos + i];
    length += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      if (length > max) throw new LinkgateError('FRAME_TOO_LARGE', `frame of ${length} bytes`);
      return { length, size: i + 1 };
    }
  }
  throw new LinkgateError('BAD_FRAME', 'malformed frame length');
}

/**
 * Decodes a whole body of length-prefixed frames.
 * @param {Uint8Array} bytes
 * @returns {object[]}
 */
export function decodeFrames(bytes) {
  const reader = new FrameReader(Infinity);
  const frames = reader.push(bytes);
  if (reader.partial) throw new LinkgateError('BAD_FRAME', 'truncated frame');
  return frames;
}

// ---------------------------------------------------------------------------------------------
// 2. The HTTP tunnel transport
// ---------------------------------------------------------------------------------------------

const CONTENT_TYPE = 'application/x-linkgate-frames';

/** A refusal: an Error frame from the server, or an HTTP status that stands for one. */
export class LinkgateError extends Error {
  /**
   * @param {string|number} code an ErrorCode name (UNAUTHENTICATED, ...)
   * @param {string} message
   * @param {number} [status] the HTTP status, when the tunnel answered one
   */
  constructor(code, message, status = 0) {
    super(`${code}: ${message}`);
    this.name = 'LinkgateError';
    this.code = code;
    this.status = status;
  }
}

/**
 * A transport could not reach the node at all: the connection was refused or cut before it
 * opened, or no Welcome came within the timeout. A client given several transports tries the
 * next one (see LinkgateClient's `transports`); other failures (a refused token, a lost
 * connection after the Welcome) are not this.
 */
export class TransportUnreachable extends Error {
  constructor(message) {
    super(message);
    this.name = 'TransportUnreachable';
  }
}

/** A connection that was open dropped with requests unanswered: they may be sent again. */
class ConnectionLost extends Error {}

/** The streamed Welcome did not arrive in time: perhaps a proxy buffers the response. */
class NoWelcome extends Error {}

async function refusal(response) {
  let error;
  try {
    error = decodeFrames(new Uint8Array(await response.arrayBuffer()))[0]?.error;
  } catch (e) {
    // the status says enough
  }
  const code = error?.code ?? response.headers.get('X-Linkgate-Error') ?? `HTTP_${response.status}`;
  return new LinkgateError(code, error?.message || response.statusText, response.status);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== 0) q.set(k, String(v));
  }
  return q.toString();
}

function delay(ms, signal) {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * Sends frames in POSTs, one at a time: frames added while a POST is in flight go together in the
 * next one, up to maxBatch. Each add() settles with its own answer (the response has one per frame,
 * in order); an Error answer rejects it.
 */
class Batcher {
  /**
   * @param {(frames: object[]) => Promise<object[]>} post
   * @param {number} maxBatch
   * @param {(error: Error, attempt: number) => number|null} retryDelay ms before trying the batch
   *     again, or null to give up
   */
  constructor(post, maxBatch, retryDelay) {
    this.post = post;
    this.maxBatch = maxBatch;
    this.retryDelay = retryDelay;
    this.queue = [];
    this.inFlight = false;
    this.closed = new AbortController();
  }

  add(frame) {
    if (this.closed.signal.aborted) return Promise.reject(new Error('closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ frame, resolve, reject });
      // After this task's other sends: frames added in one go share a POST.
      queueMicrotask(() => this.pump());
    });
  }

  async pump() {
    if (this.inFlight || this.queue.length === 0 || this.closed.signal.aborted) return;
    this.inFlight = true;
    const batch = this.queue.splice(0, this.maxBatch);
    for (let attempt = 1; ; attempt++) {
      try {
        const answers = await this.post(batch.map(item => item.frame));
        batch.forEach((item, i) => settle(item, answers[i]));
        break;
      } catch (error) {
        const wait = this.closed.signal.aborted ? null : this.retryDelay(error, attempt);
        if (wait === null) {
          batch.forEach(item => item.reject(error));
          break;
        }
        await delay(wait, this.closed.signal);
      }
    }
    this.inFlight = false;
    this.pump();
  }

  close(reason) {
    this.closed.abort();
    for (const item of this.queue.splice(0)) item.reject(reason);
  }
}

function settle(item, answer) {
  if (answer === undefined) item.reject(new Error('no answer for this frame'));
  else if (answer.error) item.reject(new LinkgateError(answer.error.code, answer.error.message));
  else item.resolve(answer);
}

/**
 * The HTTP tunnel transport (README "HTTP tunnel"): frames in POST bodies up, and a downlink that is
 * one streamed GET (read with fetch's ReadableStream) or, when streaming does not come through or
 * is not wanted, a series of long-polls. A page on another origin than the tunnel needs the node's
 * `cors-origins` option to name the page's origin.
 *
 * A transport is an object with:
 *   - `name`: for display, and the state event's `transport`;
 *   - `uplink(frames, {token, deviceId})`: sends frames, resolves with one answer per frame;
 *   - `openDownlink(params, listener)`: resolves with a downlink `{mode, send(frames), close()}`
 *     once the Welcome is in; every frame, the Welcome first, goes to `listener.onFrame(frame)` in
 *     order, and `listener.onClose(error|null)` once when the downlink ends. `params` holds token,
 *     deviceId, resumeFromSeq, resumeEpoch, heartbeatMs, mode ('auto', 'stream' or 'poll') and
 *     lastSeq(), the last seq the client holds (polls carry it);
 *   - optionally `probe()`: resolves if the transport can reach the node now, without opening a
 *     session (see webSocket).
 * Either of the first two rejects with TransportUnreachable when the node cannot be reached this
 * way at all, so that a client with several transports tries the next one.
 *
 * @param {object} options
 * @param {string} options.uplinkUrl the uplink listener, e.g. 'http://localhost:8081'
 * @param {string} options.downlinkUrl the downlink listener, e.g. 'http://localhost:8080'
 * @param {number} [options.welcomeTimeoutMs=5000] auto mode: long-poll when a stream brings no
 *     Welcome within this
 * @param {number} [options.pollHoldMs=25000] longest hold asked of the server for a poll
 * @param {number} [options.maxFrameBytes=65536]
 * @param {{uplinkRequests: number, uplinkFrames: number}} [options.stats] counters to update
 */
export function httpTunnel(options) {
  const up = `${options.uplinkUrl.replace(/\/$/, '')}/v1/tunnel/uplink`;
  const down = `${options.downlinkUrl.replace(/\/$/, '')}/v1/tunnel/downlink`;
  const welcomeTimeoutMs = options.welcomeTimeoutMs ?? 5000;
  const pollHoldMs = options.pollHoldMs ?? 25000;
  const maxFrameBytes = options.maxFrameBytes ?? 64 * 1024;
  const stats = options.stats ?? { uplinkRequests: 0, uplinkFrames: 0 };
  let pollUntil = 0; // auto mode: a stream that did not come through is not tried again for a while

  async function postFrames(url, token, frames, extra = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE },
      body: encodeFrames(frames),
      ...extra,
    });
    if (!response.ok) throw await refusal(response);
    return decodeFrames(new Uint8Array(await response.arrayBuffer()));
  }

  async function get(url, token, signal) {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: CONTENT_TYPE },
      cache: 'no-store',
      signal,
    });
    if (!response.ok) throw await refusal(response);
    return response;
  }

  /** The requests about an open downlink session: frames for it, and its end. */
  function session(params, sessionId) {
    const url = () => `${down}?${query({ device_id: params.deviceId, session_id: sessionId() })}`;
    // Pings, acks and subscriptions are answered down the downlink too; the POST's answers are
    // not needed. A failed one is tried again a few times (a lost Subscribe would matter).
    const batcher = new Batcher(
      frames => postFrames(url(), params.token, frames),
      64,
      (error, attempt) => (error.status >= 400 && error.status < 500) || attempt > 3 ? null : 200 * attempt);
    return {
      send: frames => Promise.all(frames.map(f => batcher.add(f))),
      end() {
        batcher.close(new Error('downlink closed'));
        // keepalive: the end is still sent when the page is being unloaded.
        postFrames(`${url()}&end=true`, params.token, [], { keepalive: true }).catch(() => {});
      },
    };
  }

  function openStream(params, listener, timeoutMs) {
    return new Promise((resolve, reject) => {
      const abort = new AbortController();
      const reader = new FrameReader(maxFrameBytes);
      let welcome = null;
      let ended = false;
      let lastByte = Date.now();
      let stallTimer = 0;
      const noWelcome = setTimeout(() => abort.abort(new NoWelcome(`no Welcome within ${timeoutMs} ms`)), timeoutMs);
      const requests = session(params, () => welcome.sessionId);
      const downlink = {
        mode: 'stream',
        send: frames => requests.send(frames),
        close() {
          end(null);
          requests.end();
        },
      };
      function end(error) {
        if (ended) return;
        ended = true;
        clearTimeout(noWelcome);
        clearInterval(stallTimer);
        abort.abort(error ?? new Error('closed'));
        if (welcome) listener.onClose(error);
        else reject(error ?? new Error('closed before the Welcome'));
      }
      function onFrame(frame) {
        if (welcome === null) {
          if (frame.error) throw new LinkgateError(frame.error.code, frame.error.message);
          if (!frame.welcome) throw new Error(`expected Welcome, got ${frameKind(frame)}`);
          welcome = frame.welcome;
          clearTimeout(noWelcome);
          // The server pings a quiet stream every heartbeat; silence past 2.5 of them is a stall.
          const stallMs = Math.max(1000, welcome.heartbeatMs * 2.5);
          stallTimer = setInterval(() => {
            if (Date.now() - lastByte > stallMs) end(new Error(`the stream brought nothing for ${stallMs} ms`));
          }, Math.max(250, stallMs / 4));
          listener.onFrame(frame);
          resolve(downlink);
          return;
        }
        if (!frame.ping) listener.onFrame(frame);
      }
      (async () => {
        const url = `${down}?${query({
          device_id: params.deviceId, mode: 'stream', resume_from_seq: params.resumeFromSeq,
          resume_epoch: params.resumeEpoch, heartbeat_ms: params.heartbeatMs,
        })}`;
        const response = await get(url, params.token, abort.signal);
        const body = response.body.getReader();
        for (;;) {
          const { value, done } = await body.read();
          if (done) break;
          lastByte = Date.now();
          for (const frame of reader.push(value)) {
            if (ended) return;
            onFrame(frame);
          }
        }
        end(new Error('the server ended the stream'));
      })().catch(error => end(abort.signal.aborted && abort.signal.reason ? abort.signal.reason : error));
    });
  }

  async function openPoll(params, listener) {
    let welcome = null;
    let closed = false;
    const closing = new AbortController();
    const requests = session(params, () => welcome.sessionId);

    /** One poll; its frames go to the listener in order. Resolves with whether the session ended. */
    async function poll(args, timeoutMs) {
      // Its own controller: a poll that timed out must not abort the next one.
      const abort = new AbortController();
      const cancel = () => abort.abort(closing.signal.reason);
      closing.signal.addEventListener('abort', cancel, { once: true });
      const timer = setTimeout(() => abort.abort(new Error('poll timed out')), timeoutMs);
      try {
        const response = await get(`${down}?${query({ device_id: params.deviceId, mode: 'poll', ...args })}`,
          params.token, abort.signal);
        const sessionEnded = response.headers.has('X-Linkgate-Closed');
        for (const frame of decodeFrames(new Uint8Array(await response.arrayBuffer()))) {
          if (closed) break;
          if (frame.welcome) {
            welcome = frame.welcome; // a new session: the server no longer knew ours
          } else if (welcome === null) {
            throw new Error(`expected Welcome, got ${frameKind(frame)}`);
          }
          if (!frame.ping) listener.onFrame(frame);
        }
        return sessionEnded;
      } finally {
        clearTimeout(timer);
        closing.signal.removeEventListener('abort', cancel);
      }
    }

    await poll({
      resume_from_seq: params.resumeFromSeq, resume_epoch: params.resumeEpoch,
      heartbeat_ms: params.heartbeatMs,
    }, welcomeTimeoutMs + pollHoldMs);
    if (welcome === null) throw new Error('the first poll brought no Welcome');

    const downlink = {
      mode: 'poll',
      send: frames => requests.send(frames),
      close() {
        closed = true;
        closing.abort(new Error('closed'));
        requests.end();
      },
    };
    (async () => {
      let lastAnswer = Date.now();
      let retryMs = 100;
      let error = null;
      while (!closed) {
        try {
          // Each poll's resume_from_seq acks what came before; what it does not confirm comes again.
          const sessionEnded = await poll({
            session_id: welcome.sessionId, resume_from_seq: params.lastSeq(), hold_ms: pollHoldMs,
          }, pollHoldMs + welcome.heartbeatMs * 2.5);
          lastAnswer = Date.now();
          retryMs = 100;
          if (sessionEnded) {
            error = new Error('the server closed the downlink');
            break;
          }
        } catch (e) {
          if (closed) break;
          // A refusal is final; a lost poll is tried again until the server would have expired the session.
          if (e instanceof LinkgateError || Date.now() - lastAnswer > pollHoldMs + welcome.heartbeatMs * 2.5) {
            error = e;
            break;
          }
          await delay(retryMs);
          retryMs = Math.min(2000, retryMs * 2);
        }
      }
      closed = true;
      listener.onClose(error);
    })();
    return downlink;
  }

  return {
    name: 'http-tunnel',

    async uplink(frames, { token, deviceId }) {
      stats.uplinkRequests++;
      stats.uplinkFrames += frames.length;
      return postFrames(`${up}?${query({ device_id: deviceId })}`, token, frames);
    },

    async openDownlink(params, listener) {
      const mode = params.mode ?? 'auto';
      if (mode === 'poll' || (mode === 'auto' && Date.now() < pollUntil)) {
        return openPoll(params, listener);
      }
      try {
        return await openStream(params, listener, mode === 'auto' ? welcomeTimeoutMs : welcomeTimeoutMs + pollHoldMs);
      } catch (error) {
        if (!(error instanceof NoWelcome) || mode !== 'auto') throw error;
        pollUntil = Date.now() + 10 * 60 * 1000; // the network in between rarely changes faster
        return openPoll(params, listener);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 2b. The WebSocket transport
// ---------------------------------------------------------------------------------------------

const WS_SUBPROTOCOL = 'linkgate.v1';

/** A Linkgate Error frame as an exception; UNAUTHENTICATED carries status 401, as the tunnel's does. */
function errorFrame(error) {
  return new LinkgateError(error.code, error.message, error.code === 'UNAUTHENTICATED' ? 401 : 0);
}

/**
 * The WebSocket transport: the websocket-transport plugin's browser contract
 * (examples/websocket-transport, "The browser contract"). Each frame is one binary WebSocket
 * message, with no length prefix; the token travels in the Hello, as a browser cannot set headers
 * on a WebSocket; the subprotocol `linkgate.v1` is offered. The node's `allowed-origins` option
 * (when set) must name the page's origin, or the upgrade is refused (403) and the browser reports
 * a connection that never opened.
 *
 *   - Downlink: one WebSocket to `<downlinkUrl>/v1/ws/downlink`: the Hello, then the Welcome and
 *     the pushes. Pings, PushAcks and (un)subscriptions go up the same socket (`mode` is
 *     'stream', so the client pings at the granted heartbeat); the node answers pings with pongs,
 *     and a socket that brings nothing for 2.5 heartbeats is given up.
 *   - Uplink: one WebSocket to `<uplinkUrl>/v1/ws/uplink`, opened when there is something to send
 *     and reused for every request after it; each frame is answered in order. It is closed after
 *     `uplinkIdleMs` with nothing to answer (the node would close it after its own
 *     uplink-idle-timeout, 3 minutes); the next send opens a new one.
 *
 * A socket that is refused, or cut before it opens, or that brings no Welcome within
 * `welcomeTimeoutMs`, fails with TransportUnreachable, so that a client given a list of
 * transports moves on to the next. `probe()` checks, without opening a session, that the
 * downlink's upgrade goes through: how the client learns that a transport it passed over is
 * reachable again.
 *
 * @param {object} options
 * @param {string} options.downlinkUrl the downlink listener, e.g. 'ws://localhost:8090'
 * @param {string} options.uplinkUrl the uplink listener, e.g. 'ws://localhost:8091'
 * @param {number} [options.welcomeTimeoutMs=5000] from `new WebSocket()` to the Welcome
 * @param {number} [options.uplinkIdleMs=60000] an uplink socket with nothing to answer this long
 *     is closed
 * @param {{uplinkRequests: number, uplinkFrames: number}} [options.stats] counters to update
 */
export function webSocket(options) {
  const down = `${options.downlinkUrl.replace(/\/$/, '')}/v1/ws/downlink`;
  const up = `${options.uplinkUrl.replace(/\/$/, '')}/v1/ws/uplink`;
  const welcomeTimeoutMs = options.welcomeTimeoutMs ?? 5000;
  const uplinkIdleMs = options.uplinkIdleMs ?? 60000;
  const stats = options.stats ?? { uplinkRequests: 0, uplinkFrames: 0 };
  let uplinkSocket = null; // the open (or opening) uplink, reused while it lasts

  /**
   * Opens a socket and sends the Hello; resolves with the socket once the Welcome is in. The
   * socket's later messages go to onFrame(frame), its end to onEnd(error|null), once.
   */
  function handshake(url, hello, { onFrame, onEnd }) {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(url, WS_SUBPROTOCOL);
      } catch (e) {
        reject(new TransportUnreachable(`${url}: ${e.message}`)); // a bad URL, or a blocked port
        return;
      }
      ws.binaryType = 'arraybuffer';
      let opened = false;
      let welcome = null;
      let ended = false;
      let reason = null; // the Error frame the node sends before its close
      const noWelcome = setTimeout(
        () => end(new TransportUnreachable(`${url}: no Welcome within ${welcomeTimeoutMs} ms`)),
        welcomeTimeoutMs);
      function end(error) {
        if (ended) return;
        ended = true;
        clearTimeout(noWelcome);
        try {
          ws.close(1000);
        } catch (e) {
          // closing anyway
        }
        if (welcome) onEnd(error);
        else reject(error ?? new Error('closed before the Welcome'));
      }
      const socket = { ws, send: frame => ws.send(encodeFrame(frame)), end };
      ws.onopen = () => {
        opened = true;
        socket.send({ hello });
      };
      ws.onmessage = event => {
        if (ended) return;
        if (typeof event.data === 'string') {
          end(new LinkgateError('BAD_FRAME', 'a text message'));
          return;
        }
        let frame;
        try {
          frame = decodeFrame(new Uint8Array(event.data));
        } catch (e) {
          end(new LinkgateError('BAD_FRAME', e.message));
          return;
        }
        if (welcome === null) {
          if (frame.error) end(errorFrame(frame.error));
          else if (!frame.welcome) end(new Error(`expected Welcome, got ${frameKind(frame)}`));
          else {
            welcome = frame.welcome;
            clearTimeout(noWelcome);
            resolve({ ...socket, welcome });
          }
          return;
        }
        if (frame.error) reason = errorFrame(frame.error);
        onFrame(frame);
      };
      ws.onclose = event => {
        const how = `${url} closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`;
        // Before it opened, or opened and closed with no word: the node is not reachable this way.
        end(reason ?? (welcome === null && (!opened || event.code === 1006) ? new TransportUnreachable(how) : new Error(how)));
      };
    });
  }

  function helloOf(params, role) {
    return {
      token: params.token, deviceId: params.deviceId, role, resumeFromSeq: params.resumeFromSeq ?? 0,
      resumeEpoch: params.resumeEpoch ?? '', heartbeatMs: params.heartbeatMs ?? 0,
      clientVersion: 'linkgate.js',
    };
  }

  /** The uplink socket, opened (and its Hello answered) if there is none. */
  function uplinkConnection(auth) {
    if (uplinkSocket) return uplinkSocket.ready;
    const pending = []; // one {resolve, reject} per frame sent and not yet answered, in order
    let idleTimer = 0;
    const connection = {
      pending,
      idle() {
        clearTimeout(idleTimer);
        if (pending.length === 0) idleTimer = setTimeout(() => connection.socket?.end(null), uplinkIdleMs);
      },
      busy: () => clearTimeout(idleTimer),
    };
    uplinkSocket = connection;
    connection.ready = handshake(up, helloOf(auth, 'UPLINK'), {
      onFrame(frame) {
        const next = pending.shift();
        if (next) next.resolve(frame); // an Error frame with nothing pending is the close's reason
        connection.idle();
      },
      onEnd(error) {
        connection.closed = true;
        clearTimeout(idleTimer);
        if (uplinkSocket === connection) uplinkSocket = null;
        for (const p of pending.splice(0)) p.reject(new ConnectionLost(error?.message ?? 'the uplink closed'));
      },
    }).then(socket => {
      connection.socket = socket;
      connection.idle();
      return connection;
    }, error => {
      if (uplinkSocket === connection) uplinkSocket = null;
      throw error;
    });
    return connection.ready;
  }

  return {
    name: 'websocket',

    async uplink(frames, auth) {
      stats.uplinkRequests++;
      stats.uplinkFrames += frames.length;
      const connection = await uplinkConnection(auth);
      if (connection.closed) throw new ConnectionLost('the uplink closed');
      connection.busy();
      const answers = frames.map(frame => new Promise((resolve, reject) => {
        connection.pending.push({ resolve, reject });
        connection.socket.send(frame);
      }));
      return Promise.all(answers);
    },

    async openDownlink(params, listener) {
      let stallTimer = 0;
      let lastMessage = Date.now();
      const socket = await handshake(down, helloOf(params, 'DOWNLINK'), {
        onFrame(frame) {
          lastMessage = Date.now();
          if (!frame.pong) listener.onFrame(frame);
        },
        onEnd(error) {
          clearInterval(stallTimer);
          listener.onClose(error);
        },
      });
      // The client pings every heartbeat and the node answers: silence past 2.5 of them is a stall.
      const stallMs = Math.max(1000, socket.welcome.heartbeatMs * 2.5);
      stallTimer = setInterval(() => {
        if (Date.now() - lastMessage > stallMs) socket.end(new Error(`the WebSocket brought nothing for ${stallMs} ms`));
      }, Math.max(250, stallMs / 4));
      listener.onFrame({ welcome: socket.welcome });
      return {
        mode: 'stream',
        async send(frames) {
          if (socket.ws.readyState !== WebSocket.OPEN) throw new ConnectionLost('the downlink is closed');
          for (const frame of frames) socket.send(frame);
        },
        close() {
          socket.end(null);
        },
      };
    },

    /** Resolves if the downlink's upgrade goes through (no Hello, so no session); rejects if not. */
    probe() {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(down, WS_SUBPROTOCOL);
        const timer = setTimeout(() => {
          ws.close();
          reject(new TransportUnreachable(`${down}: not open within ${welcomeTimeoutMs} ms`));
        }, welcomeTimeoutMs);
        ws.onopen = () => {
          clearTimeout(timer);
          ws.close(1000);
          resolve();
        };
        ws.onclose = () => {
          clearTimeout(timer);
          reject(new TransportUnreachable(`${down}: refused`));
        };
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 3. The client
// ---------------------------------------------------------------------------------------------

/**
 * A new random client_msg_id (what send() uses when given none), for a page that wants to know a
 * send's id before it is sent. Works outside secure contexts too, unlike crypto.randomUUID().
 * @returns {string}
 */
export function newClientMsgId() {
  return randomId('m-');
}

function randomId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return prefix + btoa(String.fromCharCode(...bytes)).replace(/[+/]/g, c => (c === '+' ? '-' : '_'));
}

/**
 * A Linkgate connection for one device: a downlink that is kept open (reconnecting with backoff and
 * resuming from the last seq, so every direct message arrives exactly once, in order) and sends
 * over the uplink.
 *
 * Events (`client.on(name, fn)`, which returns a function that removes the listener):
 *   - `state` `{state, transport, mode, attempt, retryInMs, error, welcome, passedOver}`: state is
 *     'connecting', 'connected', 'reconnecting' or 'closed'; transport the name of the transport
 *     in use (or being tried); mode 'stream' or 'poll' once connected; passedOver the names of
 *     the more preferred transports being passed over as unreachable;
 *   - `welcome` (welcome): every session's Welcome;
 *   - `push` (push): a message, `{seq, msgId, from, to, payload (Uint8Array), serverTimeMs,
 *     headers}`; seq is 0 for rooms; a direct message is delivered once even if the server sends
 *     it again;
 *   - `resync` (welcome): the server no longer holds everything after the last seq (or its seqs
 *     restarted): messages may be missing and the page should reload its history;
 *   - `error` (error): why a downlink failed or could not open (a network error, a refused
 *     token: not after a GoAway, which is planned), a transport passed over
 *     (TransportUnreachable), and any Error frame the node sends down.
 */
export class LinkgateClient {
  /**
   * @param {object} options
   * @param {() => Promise<string>} options.getToken called before each connection and each uplink
   *     request; it is called with `{refresh: true}` after the server refused the last token, so
   *     a page can cache tokens and fetch a new one only then
   * @param {string} [options.uplinkUrl] with downlinkUrl: use the HTTP tunnel at these URLs
   * @param {string} [options.downlinkUrl]
   * @param {object} [options.transport] a transport object instead (see httpTunnel)
   * @param {object[]} [options.transports] or several, most preferred first, e.g.
   *     `[webSocket({...}), httpTunnel({...})]`: a transport that cannot reach the node
   *     (TransportUnreachable) is passed over for the next, at once, and for rememberUnreachableMs;
   *     then it is tried again (probed first while connected on a later one, when it has probe())
   * @param {number} [options.rememberUnreachableMs=600000] how long an unreachable transport is
   *     passed over
   * @param {string} [options.deviceId] default: a random id per client
   * @param {'auto'|'stream'|'poll'} [options.mode='auto'] auto: stream, and long-poll when the
   *     Welcome does not come through within welcomeTimeoutMs
   * @param {number} [options.welcomeTimeoutMs=5000]
   * @param {number} [options.heartbeatMs=0] proposed heartbeat; 0 for the server's default
   * @param {number} [options.maxBatch=32] most frames in one uplink POST (the server takes 64)
   * @param {number} [options.ackDelayMs=100] pushes arriving within this are acked together
   * @param {{initialMs?: number, maxMs?: number}} [options.backoff] reconnect delays: initialMs
   *     (250) doubled per failed attempt up to maxMs (10000), with jitter
   * @param {number} [options.resumeFromSeq=0] with resumeEpoch: where a previous page left off
   * @param {string} [options.resumeEpoch='']
   */
  constructor(options) {
    if (typeof options.getToken !== 'function') throw new Error('getToken is required');
    this.options = options;
    /** Counters, for the curious and for tests. */
    this.stats = { uplinkRequests: 0, uplinkFrames: 0, duplicatesDropped: 0, reconnects: 0 };
    /** @type {object[]} the transports, most preferred first */
    this.transports = options.transports ?? [options.transport ?? httpTunnel({
      uplinkUrl: options.uplinkUrl,
      downlinkUrl: options.downlinkUrl,
      welcomeTimeoutMs: options.welcomeTimeoutMs,
    })];
    if (this.transports.length === 0) throw new Error('transports is empty');
    /** @type {object} the transport of the current (or last) downlink; sends go over it too */
    this.transport = this.transports[0];
    /** @type {string} this device's id */
    this.deviceId = options.deviceId ?? randomId('web-');
    /** @type {number} the last direct message's seq: what a resume starts after */
    this.lastSeq = options.resumeFromSeq ?? 0;
    /** @type {string} the seq space lastSeq belongs to (Welcome.epoch) */
    this.epoch = options.resumeEpoch ?? '';
    /** @type {?object} the current (or last) session's Welcome */
    this.welcome = null;
    /** @type {string} 'idle', 'connecting', 'connected', 'reconnecting' or 'closed' */
    this.state = 'idle';
    /** @type {?string} 'stream' or 'poll', once connected */
    this.mode = null;
    /** @type {Set<string>} the rooms joined, joined again on each new session */
    this.rooms = new Set();
    // The rest is the client's own state, as the members after close() are its internals.
    this.listeners = new Map();
    this.downlink = null;
    this.closing = new AbortController();
    this.tokenRefused = false;
    this.unreachableUntil = new Map(); // transport -> when to try it again
    this.probeTimer = 0;
    this.ackTimer = 0;
    this.ackedSeq = this.lastSeq;
    this.uplinkBatcher = new Batcher(
      frames => this.withToken(token => this.uplink(frames, token)),
      options.maxBatch ?? 32,
      // Sends are idempotent by client_msg_id, so a batch whose answer was lost is sent again.
      // A refused token is fetched again once (getToken({refresh: true})); refused twice, it fails.
      (error, attempt) => (error.status === 401 && attempt > 1) || !retriable(error) ? null : this.backoffMs(attempt));
  }

  /**
   * Listens for an event (see the class comment).
   * @returns {() => void} removes the listener
   */
  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    return () => this.listeners.get(event).delete(fn);
  }

  /**
   * Opens the downlink and keeps it open until close().
   * @returns {Promise<object>} the first Welcome
   */
  connect() {
    if (this.state !== 'idle') throw new Error(`already ${this.state}`);
    const first = new Promise(resolve => {
      const off = this.on('welcome', w => {
        off();
        resolve(w);
      });
    });
    this.run();
    return first;
  }

  /**
   * Sends a message.
   * @param {string} to 'user:<id>' or 'room:<id>'
   * @param {string|Uint8Array} payload a string is sent as UTF-8
   * @param {{headers?: Object<string,string>, clientMsgId?: string}} [options] clientMsgId makes a
   *     send idempotent across page reloads; default: a random id
   * @returns {Promise<{clientMsgId: string, msgId: string, serverTimeMs: number}>} the SendAck:
   *     the server has the message. Rejects with a LinkgateError if the server refused it.
   */
  async send(to, payload, options = {}) {
    const clientMsgId = options.clientMsgId ?? newClientMsgId();
    const answer = await this.uplinkBatcher.add({
      send: { clientMsgId, to, payload, headers: options.headers ?? {} },
    });
    if (!answer.sendAck) throw new Error(`expected SendAck, got ${frameKind(answer)}`);
    return answer.sendAck;
  }

  /**
   * Joins a room: its messages arrive as pushes with seq 0 (best effort, no replay). Kept across
   * reconnects.
   * @param {string} room the room's id, without 'room:'
   */
  async subscribe(room) {
    this.rooms.add(room);
    await this.downlink?.send([{ subscribe: { room } }]);
  }

  /** Leaves a room. */
  async unsubscribe(room) {
    this.rooms.delete(room);
    await this.downlink?.send([{ unsubscribe: { room } }]);
  }

  /** Ends the downlink and stops reconnecting; queued sends are rejected. */
  close() {
    this.closing.abort();
    clearTimeout(this.probeTimer);
    this.uplinkBatcher.close(new Error('client closed'));
    this.downlink?.close();
    this.setState('closed', {});
  }

  // ---- internals: the API is above ----

  emit(event, value) {
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        fn(value);
      } catch (e) {
        console.error(`linkgate: a '${event}' listener threw`, e);
      }
    }
  }

  async withToken(request) {
    const token = await this.options.getToken(this.tokenRefused ? { refresh: true } : {});
    try {
      const result = await request(token);
      this.tokenRefused = false;
      return result;
    } catch (error) {
      if (error.status === 401) this.tokenRefused = true;
      throw error;
    }
  }

  backoffMs(attempt) {
    const initial = this.options.backoff?.initialMs ?? 250;
    const max = this.options.backoff?.maxMs ?? 10000;
    const ms = Math.min(max, initial * 2 ** (attempt - 1));
    return Math.round(ms * (0.8 + Math.random() * 0.4)); // jitter: a node's clients do not return in step
  }

  setState(state, details) {
    this.state = state;
    this.emit('state', {
      state, transport: this.transport.name, mode: this.mode, welcome: this.welcome,
      passedOver: this.passedOver().map(t => t.name), ...details,
    });
  }

  /** The transports before the current one that are being passed over as unreachable. */
  passedOver() {
    const now = Date.now();
    return this.transports
      .slice(0, this.transports.indexOf(this.transport))
      .filter(t => (this.unreachableUntil.get(t) ?? 0) > now);
  }

  /** The transports to try for a downlink, in order: those not known unreachable, else all. */
  candidates() {
    const now = Date.now();
    const reachable = this.transports.filter(t => (this.unreachableUntil.get(t) ?? 0) <= now);
    return reachable.length > 0 ? reachable : this.transports;
  }

  markUnreachable(transport, error) {
    this.unreachableUntil.set(transport, Date.now() + (this.options.rememberUnreachableMs ?? 10 * 60 * 1000));
    this.emit('error', error);
  }

  /**
   * Sends over the current transport; one that cannot reach the node is passed over for the
   * next, as for downlinks (a WebSocket uplink port may be blocked where its downlink is not).
   */
  async uplink(frames, token) {
    const start = Math.max(0, this.candidates().indexOf(this.transport));
    const candidates = this.candidates().slice(start);
    for (const [i, transport] of candidates.entries()) {
      this.stats.uplinkRequests++;
      this.stats.uplinkFrames += frames.length;
      try {
        return await transport.uplink(frames, { token, deviceId: this.deviceId });
      } catch (error) {
        if (!(error instanceof TransportUnreachable) || i === candidates.length - 1) throw error;
        this.markUnreachable(transport, error);
      }
    }
    throw new Error('no transport'); // not reached: the last candidate's error is thrown
  }

  /**
   * Connected on a transport after more preferred ones passed over: when the first of those is
   * due to be tried again, probes it, and if it answers, ends this session as planned, so that the
   * next one opens on it (resuming, so nothing is lost). A transport without probe() is simply
   * tried at the next reconnect.
   */
  scheduleProbe(endSession) {
    clearTimeout(this.probeTimer);
    const preferred = this.passedOver()[0];
    if (!preferred || typeof preferred.probe !== 'function') return;
    const dueInMs = Math.max(0, this.unreachableUntil.get(preferred) - Date.now());
    this.probeTimer = setTimeout(async () => {
      try {
        await preferred.probe();
      } catch (error) {
        if (!this.closing.signal.aborted) {
          this.markUnreachable(preferred, error);
          this.scheduleProbe(endSession);
        }
        return;
      }
      this.unreachableUntil.delete(preferred);
      endSession();
    }, dueInMs);
  }

  async run() {
    const closing = this.closing.signal;
    let attempt = 0;
    while (!closing.aborted) {
      this.setState(attempt === 0 && this.welcome === null ? 'connecting' : 'reconnecting', { attempt });
      const ended = await this.session();
      this.downlink = null;
      clearInterval(this.pingTimer);
      if (closing.aborted) return;
      // A GoAway is a planned end (maximum age, drain, kick): come back at once, no backoff.
      attempt = ended.goAway ? 0 : attempt + 1;
      this.stats.reconnects++;
      const retryInMs = attempt === 0 ? 0 : this.backoffMs(attempt);
      this.setState('reconnecting', { attempt, retryInMs, error: ended.error });
      if (ended.error && !ended.goAway) this.emit('error', ended.error);
      await delay(retryInMs, closing);
    }
  }

  /**
   * Opens a downlink on the first transport that reaches the node, passing over (and
   * remembering) those that do not. Resolves with the downlink.
   */
  async openDownlink(params, listener) {
    const candidates = this.candidates();
    for (const [i, transport] of candidates.entries()) {
      this.transport = transport;
      try {
        return await transport.openDownlink(params, listener);
      } catch (error) {
        if (!(error instanceof TransportUnreachable) || i === candidates.length - 1) throw error;
        this.markUnreachable(transport, error);
      }
    }
    throw new Error('no transport'); // not reached: the last candidate's error is thrown
  }

  /** One downlink session, from open to end. Resolves with how it ended. */
  async session() {
    let goAway = false;
    let onClose;
    const closed = new Promise(resolve => { onClose = resolve; });
    try {
      const downlink = await this.withToken(token => this.openDownlink({
        token,
        deviceId: this.deviceId,
        resumeFromSeq: this.lastSeq,
        resumeEpoch: this.epoch,
        heartbeatMs: this.options.heartbeatMs ?? 0,
        mode: this.options.mode ?? 'auto',
        lastSeq: () => this.lastSeq,
      }, {
        onFrame: frame => {
          if (frame.goAway) goAway = true;
          this.onFrame(frame);
        },
        onClose: error => onClose(error),
      }));
      if (this.closing.signal.aborted) {
        downlink.close();
        return {};
      }
      this.downlink = downlink;
      this.mode = downlink.mode;
      this.setState('connected', {});
      this.resubscribe();
      this.scheduleProbe(() => {
        goAway = true; // a planned end: the next session opens at once, on the preferred transport
        downlink.close();
      });
      if (downlink.mode === 'stream') {
        // Polls show the server this client is alive; a stream needs pings, sent as POSTs.
        this.pingTimer = setInterval(
          () => downlink.send([{ ping: { nonce: Date.now() } }]).catch(() => {}),
          Math.max(100, this.welcome.heartbeatMs));
      }
      const error = await closed;
      clearTimeout(this.probeTimer);
      return { error, goAway };
    } catch (error) {
      return { error, goAway };
    }
  }

  resubscribe() {
    for (const room of this.rooms) {
      this.downlink?.send([{ subscribe: { room } }]).catch(() => {});
    }
  }

  onFrame(frame) {
    if (frame.welcome) {
      this.onWelcome(frame.welcome);
    } else if (frame.push) {
      this.onPush(frame.push);
    } else if (frame.error) {
      this.emit('error', new LinkgateError(frame.error.code, frame.error.message));
    }
    // Pong, GoAway (seen by session()) and kinds this codec does not know need nothing here.
  }

  onWelcome(welcome) {
    const newSession = this.welcome !== null && this.welcome.sessionId !== welcome.sessionId;
    if (this.epoch !== '' && welcome.epoch !== this.epoch) {
      this.lastSeq = 0; // seqs restarted: what the server replays now is all new
      this.ackedSeq = 0;
    }
    this.tokenRefused = false; // the token got this far: the next request need not refresh it
    const incomplete = !welcome.resumed && (this.epoch !== '' || this.lastSeq > 0);
    this.epoch = welcome.epoch;
    this.welcome = welcome;
    this.emit('welcome', welcome);
    if (incomplete) this.emit('resync', welcome);
    if (newSession && this.downlink) this.resubscribe(); // a poll brought a session of its own
  }

  onPush(push) {
    if (push.seq !== 0) {
      if (push.seq <= this.lastSeq) {
        this.stats.duplicatesDropped++;
        return;
      }
      this.lastSeq = push.seq;
      this.scheduleAck();
    }
    this.emit('push', push);
  }

  /** One cumulative PushAck for the pushes of a short while; polls ack by their resume_from_seq. */
  scheduleAck() {
    if (this.ackTimer || this.mode === 'poll') return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = 0;
      if (this.lastSeq > this.ackedSeq && this.downlink) {
        const upToSeq = this.lastSeq;
        this.downlink.send([{ pushAck: { upToSeq } }]).then(
          () => { this.ackedSeq = Math.max(this.ackedSeq, upToSeq); },
          () => {}); // the next ack, or the resume, covers it
      }
    }, this.options.ackDelayMs ?? 100);
  }
}

function retriable(error) {
  // fetch's TypeError: the network, or a CORS refusal; 5xx and 429: the node is busy or draining;
  // 401: the token may have expired since it was fetched.
  return error instanceof TypeError || error instanceof TransportUnreachable || error instanceof ConnectionLost
    || error.status === 401 || error.status === 429 || error.status >= 500;
}
