'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { packetKind, eventStamp } = require('../../../main/node/fanout/packets');

const b = s => Buffer.from(s);

test('Engine.IO and Socket.IO packets are told apart by their type characters', () => {
  assert.equal(packetKind(b('0{"sid":"a","pingInterval":25000}')), 'open');
  assert.equal(packetKind(b('2')), 'ping');
  assert.equal(packetKind(b('40{"sid":"x"}')), 'connect');
  assert.equal(packetKind(b('42["m","1"]')), 'event');
  assert.equal(packetKind(b('41')), 'other');
  assert.equal(packetKind(b('')), 'other');
});

test('the stamp is the digits the first argument starts with', () => {
  assert.equal(eventStamp(b('42["m","1234567890123456xxxxxxxx"]')), 1234567890123456);
  assert.equal(eventStamp(b('42["a long name","17"]')), 17);
});

test('an event without a stamp gives -1', () => {
  assert.equal(eventStamp(b('42["m","xxxx"]')), -1);
  assert.equal(eventStamp(b('42["m",17]')), -1);
  assert.equal(eventStamp(b('42["m","99999999999999999999"]')), -1); // past 2^53
});
