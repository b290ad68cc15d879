'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Latencies } = require('../../../main/node/fanout/latencies');

test('nearest-rank percentiles of 1..100', () => {
  const l = new Latencies(100);
  for (let v = 100; v >= 1; v--) {
    l.record(v);
  }
  assert.deepEqual(l.summary([0.5, 0.99, 0.999, 1]), { percentiles: [50, 99, 100, 100], max: 100 });
});

test('values past the capacity are counted, not kept', () => {
  const l = new Latencies(2);
  [5, 1, 9].forEach(v => l.record(v));
  assert.equal(l.count, 2);
  assert.equal(l.dropped, 1);
  assert.deepEqual(l.summary([0.5]), { percentiles: [1], max: 5 });
});

test('an empty run has no figures, and a bad capacity is refused', () => {
  const s = new Latencies(3).summary([0.5]);
  assert.ok(Number.isNaN(s.percentiles[0]) && Number.isNaN(s.max));
  assert.throws(() => new Latencies(0), /positive integer/);
});
