'use strict';
// The Socket.IO 4.8 peer of the fan-out benchmark: one room, every connection joins it, and
// PUBLISH emits messages to it with io.to(room).emit, as a live-stream server would. WebSocket
// transport only, no compression (per-message deflate and HTTP compression off).
//
// Usage: node server.js [room]. Prints "@@ READY port=.. pid=..", then takes commands on stdin
// (commands.js): COUNT (members of the room), PUBLISH <messages> <bytes>, NANO, QUIT.

const http = require('http');
const { Server } = require('socket.io');
const { serveCommands, reply } = require('./commands');

const room = process.argv[2] || 'live';
const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
});

io.on('connection', socket => socket.join(room));

/** `bytes` characters: the send time in decimal nanoseconds (CLOCK_MONOTONIC), then filler. */
function stamped(bytes) {
  const stamp = process.hrtime.bigint().toString();
  return stamp.length >= bytes ? stamp : stamp + 'x'.repeat(bytes - stamp.length);
}

function publish(messages, bytes) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < messages; i++) {
    io.to(room).emit('m', stamped(bytes));
  }
  return { start: start.toString(), end: process.hrtime.bigint().toString(), sent: messages };
}

httpServer.listen(0, '127.0.0.1', () => {
  reply({ READY: 1, port: httpServer.address().port, pid: process.pid });
  serveCommands(
    {
      COUNT: () => ({ count: io.sockets.adapter.rooms.get(room)?.size ?? 0 }),
      PUBLISH: words => publish(Number(words[1]), Number(words[2])),
    },
    () => {
      io.close();
      process.exit(0);
    });
});
