'use strict';
// node --test bench/src/test/node  (no npm install needed: these modules use Node's own API only)
// The hex vectors were encoded by Linkgate's Java FrameCodec (api/), so they pin the hand-written
// codec to the real wire format.
const test = require('node:test');
const assert = require('node:assert/strict');
const frames = require('../../../main/node/fanout/frames');

const hex = h => Buffer.from(h, 'hex');
// Push{msg_id "m-1", from "bench-publisher", to "room:live", payload = stamp 1234567890123456 as
// 8 bytes big-endian + "xxxxxxxx", server_time_ms 1700000000000, headers {k: v}}
const PUSH = hex('442a4212036d2d311a0f62656e63682d7075626c69736865722209726f6f6d3a6c6976652a10000462d53c8abac0'
  + '78787878787878783080d095ffbc313a060a016b120176');

test('Hello, Subscribe and Pong are encoded as FrameCodec encodes them', () => {
  assert.deepEqual(frames.hello('tok', 'bench-7', 300000),
    hex('2b0a290a03746f6b120762656e63682d37180128e0a71232136c696e6b676174652d62656e63682d6e6f6465'));
  assert.deepEqual(frames.subscribe('live'), hex('085a060a046c697665'));
  const ping = hex('053a0308ac02');
  const seen = [];
  new frames.FrameReader((kind, buf, start, end) => seen.push(frames.pong(buf, start, end))).push(ping);
  assert.deepEqual(seen, [hex('05420308ac02')]);
});

test('a Push gives its kind and the stamp in its payload', () => {
  const seen = [];
  new frames.FrameReader((kind, buf, start, end) => seen.push([kind, frames.pushStamp(buf, start, end)])).push(PUSH);
  assert.deepEqual(seen, [[frames.FRAME.push, 1234567890123456]]);
});

test('frames split anywhere across chunks are read whole, in order', () => {
  const stream = Buffer.concat([PUSH, hex('053a0308ac02'), PUSH]);
  for (let cut1 = 1; cut1 < stream.length - 1; cut1++) {
    const cut2 = Math.min(stream.length - 1, cut1 + 7);
    const kinds = [];
    const reader = new frames.FrameReader((kind, buf, start, end) =>
      kinds.push(kind === frames.FRAME.push ? frames.pushStamp(buf, start, end) : kind));
    reader.push(stream.subarray(0, cut1));
    reader.push(stream.subarray(cut1, cut2));
    reader.push(stream.subarray(cut2));
    assert.deepEqual(kinds, [1234567890123456, frames.FRAME.ping, 1234567890123456], 'cut at ' + cut1);
    assert.equal(reader.pending, null);
  }
});

test('a payload shorter than the stamp gives -1', () => {
  // Push{payload "abc"}
  const body = Buffer.concat([hex('2a03'), Buffer.from('abc')]);
  const frame = frames.frame(frames.FRAME.push, body);
  let stamp;
  new frames.FrameReader((kind, buf, start, end) => { stamp = frames.pushStamp(buf, start, end); }).push(frame);
  assert.equal(stamp, -1);
});

test('an oversized length and a frame that is not a message are refused', () => {
  const reader = new frames.FrameReader(() => {});
  assert.throws(() => reader.push(Buffer.concat([frames.varint((1 << 20) + 1), Buffer.alloc(4)])), /more than/);
  // length 2, field 1 as a varint (wire type 0)
  assert.throws(() => new frames.FrameReader(() => {}).push(hex('020801')), /not a message/);
});

test('varints round trip and a truncated one waits for more bytes', () => {
  for (const v of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 50]) {
    const b = frames.varint(v);
    assert.deepEqual(frames.readVarint(b, 0, b.length), [v, b.length]);
    assert.equal(frames.readVarint(b, 0, b.length - 1), null);
  }
});
