'use strict';
// The line protocol the Java driver speaks to every benchmark process (as ServerProcess does):
// one command a line on stdin, one "@@ key=value ..." reply line each on stdout.

const readline = require('readline');

function reply(pairs) {
  process.stdout.write('@@ ' + Object.entries(pairs).map(([k, v]) => `${k}=${v}`).join(' ') + '\n');
}

/**
 * Runs `handlers[COMMAND](words)` for each line; a handler returns the reply's pairs, or a
 * promise of them. NANO and QUIT are built in; the end of stdin (the driver died) ends the
 * process too.
 */
function serveCommands(handlers, onQuit) {
  const lines = readline.createInterface({ input: process.stdin });
  let chain = Promise.resolve();
  lines.on('line', line => {
    const words = line.trim().split(/\s+/);
    chain = chain.then(async () => {
      if (words[0] === 'NANO') {
        reply({ nanos: process.hrtime.bigint().toString() });
      } else if (words[0] === 'QUIT') {
        reply({ bye: 1 });
        onQuit();
      } else if (handlers[words[0]]) {
        reply(await handlers[words[0]](words));
      } else {
        reply({ error: 'unknown_command' });
      }
    }).catch(e => {
      process.stderr.write(`command failed: ${line}: ${e.stack}\n`);
      reply({ error: 'failed' });
    });
  });
  lines.on('close', onQuit);
}

module.exports = { reply, serveCommands };
