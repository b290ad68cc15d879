'use strict';
// The fan-out benchmark's load client, one process per system under test: N members of one room,
// each on its own connection, counting deliveries and their latency (receive time minus the send
// stamp the server put in the payload; both are CLOCK_MONOTONIC, one clock for the machine).
//
// Usage: node client.js linkgate <port> <members> <tokensFile> [room]
//        node client.js socketio <port> <members> [room]
// Prints "@@ READY members=N pid=.." when every member is in, then takes commands on stdin
// (commands.js): EXPECT <deliveries> (start counting afresh), STATS, NANO, QUIT.
//
// Both kinds read each message in place and do the same work per delivery: find the stamp,
// record one latency. Neither builds an object per message beyond what its transport hands over
// (a Buffer chunk from the TCP socket; one Buffer per WebSocket message from `ws`).

const fs = require('fs');
const net = require('net');
const WebSocket = require('ws');
const frames = require('./frames');
const { packetKind, eventStamp } = require('./packets');
const { Latencies } = require('./latencies');
const { serveCommands, reply } = require('./commands');

const CONNECTS_IN_FLIGHT = 50;
const HOST = '127.0.0.1';

const [system, portText, membersText, ...rest] = process.argv.slice(2);
const port = Number(portText);
const members = Number(membersText);

let run = newRun(1);
const sockets = [];
let problems = 0;

function newRun(expected) {
  return { expected, received: 0, chunks: 0, first: 0, last: 0, bad: 0, latencies: new Latencies(expected) };
}

function now() {
  return Number(process.hrtime.bigint());
}

function delivered(stamp, at) {
  const r = run;
  if (stamp < 0) {
    r.bad++;
    return;
  }
  if (r.received === 0) {
    r.first = at;
  }
  r.received++;
  r.last = at;
  r.latencies.record(at - stamp);
}

function problem(what) {
  problems++;
  if (problems <= 20) {
    process.stderr.write(what + '\n');
  }
}

/** A Linkgate downlink: Hello, Welcome, Subscribe, then pushes. Resolves once subscribed. */
function linkgateMember(index, token, room) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port, noDelay: true });
    sockets.push(socket);
    let welcomed = false;
    let at = 0; // when the chunk being read arrived
    const reader = new frames.FrameReader((kind, buf, start, end) => {
      if (kind === frames.FRAME.push) {
        delivered(frames.pushStamp(buf, start, end), at);
      } else if (kind === frames.FRAME.welcome && !welcomed) {
        welcomed = true;
        socket.write(frames.subscribe(room));
        resolve();
      } else if (kind === frames.FRAME.ping) {
        socket.write(frames.pong(buf, start, end));
      } else if (kind === frames.FRAME.error || kind === frames.FRAME.goAway) {
        problem(`member ${index}: frame ${kind}: ${buf.toString('latin1', start, end)}`);
      }
    });
    socket.on('connect', () => socket.write(frames.hello(token, `bench-${index}`, 300000)));
    socket.on('data', chunk => {
      at = now();
      run.chunks++;
      reader.push(chunk);
    });
    socket.on('error', e => (welcomed ? problem(`member ${index}: ${e.message}`) : reject(e)));
    socket.on('close', () => (welcomed ? problem(`member ${index} closed`) : reject(new Error('closed before Welcome'))));
  });
}

/** A Socket.IO client on the WebSocket transport: open, CONNECT to "/", then events. */
function socketIoMember(index) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${HOST}:${port}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    sockets.push(ws);
    let connected = false;
    ws.on('message', data => {
      switch (packetKind(data)) {
        case 'event':
          run.chunks++;
          delivered(eventStamp(data), now());
          break;
        case 'open':
          ws.send('40');
          break;
        case 'connect':
          connected = true;
          resolve();
          break;
        case 'ping':
          ws.send('3');
          break;
        default:
          problem(`member ${index}: ${data.toString().slice(0, 80)}`);
      }
    });
    ws.on('error', e => (connected ? problem(`member ${index}: ${e.message}`) : reject(e)));
    ws.on('close', () => (connected ? problem(`member ${index} closed`) : reject(new Error('closed before CONNECT'))));
  });
}

/** Opens the members with at most CONNECTS_IN_FLIGHT handshakes at a time. */
async function openMembers(open) {
  let next = 0;
  async function lane() {
    while (next < members) {
      await open(next++);
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONNECTS_IN_FLIGHT, members) }, lane));
}

function stats() {
  const r = run;
  const s = r.latencies.summary([0.5, 0.99, 0.999]);
  const micros = v => (Number.isNaN(v) ? -1 : Math.round(v / 1000));
  return {
    received: r.received, expected: r.expected, first: r.first, last: r.last, chunks: r.chunks,
    bad: r.bad, problems, p50: micros(s.percentiles[0]), p99: micros(s.percentiles[1]),
    p999: micros(s.percentiles[2]), max: micros(s.max),
  };
}

async function main() {
  if (system === 'linkgate') {
    const tokens = fs.readFileSync(rest[0], 'utf8').split('\n').filter(t => t.length > 0);
    if (tokens.length < members) {
      throw new Error(`${tokens.length} tokens for ${members} members`);
    }
    const room = rest[1] || 'live';
    await openMembers(i => linkgateMember(i, tokens[i], room));
  } else if (system === 'socketio') {
    await openMembers(i => socketIoMember(i));
  } else {
    throw new Error('system must be linkgate or socketio, got ' + system);
  }
  reply({ READY: 1, members, pid: process.pid });
  serveCommands(
    {
      EXPECT: words => {
        run = newRun(Number(words[1]));
        return { ok: 1 };
      },
      STATS: () => stats(),
    },
    () => process.exit(0));
}

main().catch(e => {
  process.stderr.write(e.stack + '\n');
  reply({ error: 'start_failed' });
  process.exit(1);
});
