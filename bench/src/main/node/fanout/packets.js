'use strict';
// The Engine.IO v4 / Socket.IO v5 packets the load client meets on a WebSocket: each WebSocket
// message is one Engine.IO packet, its first character the type; a Socket.IO packet rides in an
// Engine.IO "message" (4), its own type next (2 = EVENT, then the JSON array [name, ...args]).

const OPEN = 0x30; // '0'  server -> client, JSON handshake
const PING = 0x32; // '2'
const MESSAGE = 0x34; // '4'
const SIO_CONNECT = 0x30; // '0' after '4': namespace connected
const SIO_EVENT = 0x32; // '2' after '4'
const QUOTE_COMMA_QUOTE = Buffer.from('","');

/** What a message from the server is: 'open', 'ping', 'connect', 'event' or 'other'. */
function packetKind(data) {
  if (data.length === 0) {
    return 'other';
  }
  switch (data[0]) {
    case OPEN: return 'open';
    case PING: return 'ping';
    case MESSAGE:
      if (data[1] === SIO_CONNECT) {
        return 'connect';
      }
      return data[1] === SIO_EVENT ? 'event' : 'other';
    default: return 'other';
  }
}

/**
 * The send stamp of an event `42["name","<digits>..."]`: the decimal nanoseconds the first
 * argument starts with (the server's CLOCK_MONOTONIC); -1 when it has none. Read in place, with
 * no JSON parse: the benchmark's server writes the event name and the argument as plain strings.
 */
function eventStamp(data) {
  const at = data.indexOf(QUOTE_COMMA_QUOTE, 3);
  if (at < 0) {
    return -1;
  }
  let value = 0;
  let digits = 0;
  for (let i = at + 3; i < data.length; i++) {
    const d = data[i] - 0x30;
    if (d < 0 || d > 9) {
      break;
    }
    value = value * 10 + d;
    digits++;
  }
  return digits === 0 || value > Number.MAX_SAFE_INTEGER ? -1 : value;
}

module.exports = { packetKind, eventStamp };
