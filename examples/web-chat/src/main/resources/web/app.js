// The chat page: everything Linkgate-specific is in linkgate.js; this file is the UI around it.
import { LinkgateClient, httpTunnel, newClientMsgId, webSocket } from './linkgate.js';

const $ = selector => document.querySelector(selector);
const params = new URLSearchParams(location.search);

/**
 * Tokens from the example server's development endpoint, kept until shortly before they expire;
 * the library asks again with {refresh: true} when the node refused one.
 */
function tokenSource(user) {
  let token = null;
  let expiresAtMs = 0;
  return async ({ refresh } = {}) => {
    if (!token || refresh || Date.now() > expiresAtMs - 60_000) {
      const response = await fetch(`/dev/token?user=${encodeURIComponent(user)}`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
      token = await response.text();
      const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      expiresAtMs = claims.exp * 1000;
    }
    return token;
  };
}

/**
 * One device per tab, kept across reloads (sessionStorage is per tab). Two tabs sharing a device
 * id would take the device's one downlink from each other, again and again.
 */
function deviceId(user) {
  const key = `linkgate-device-${user}`;
  let id = sessionStorage.getItem(key);
  if (!id) {
    id = `web-${user}-${newClientMsgId().slice(2, 8)}`;
    sessionStorage.setItem(key, id);
  }
  return id;
}

function showState({ state, transport, mode, attempt, retryInMs, error, welcome, passedOver = [] }) {
  const status = $('#status');
  status.dataset.state = state;
  status.dataset.mode = mode ?? '';
  status.dataset.transport = transport;
  status.dataset.passedOver = passedOver.join(',');
  const how = mode === 'poll' ? 'long-poll' : mode === 'stream' ? 'streaming' : '';
  if (state === 'connected') {
    const fallback = passedOver.length > 0 ? ` (${passedOver.join(', ')} unreachable)` : '';
    status.textContent = `● connected · ${transport}${fallback} · ${how} · node ${welcome.nodeId}`;
  } else if (state === 'reconnecting' && retryInMs !== undefined) {
    const why = error ? `: ${error.message}` : '';
    status.textContent = `◌ reconnecting in ${(retryInMs / 1000).toFixed(1)} s (attempt ${attempt})${why}`;
  } else {
    status.textContent = `◌ ${state} · ${transport}`;
  }
}

function line(log, { direction, who, text, attrs = {} }) {
  const li = document.createElement('li');
  li.className = direction;
  Object.assign(li.dataset, attrs);
  const whoEl = document.createElement('span');
  whoEl.className = 'who';
  whoEl.textContent = who;
  const textEl = document.createElement('span');
  textEl.className = 'text';
  textEl.textContent = text;
  const mark = document.createElement('span');
  mark.className = 'mark';
  li.append(whoEl, textEl, mark);
  log.append(li);
  log.scrollTop = log.scrollHeight;
  return li;
}

/**
 * Shows an outgoing message at once, and its ✓ when the SendAck comes. The page names the send's
 * client_msg_id and repeats it in a header, so that its own room message, which the room pushes
 * back (perhaps before the SendAck), is recognised and not shown twice.
 */
async function sendAndMark(client, log, to, text, who) {
  const clientMsgId = newClientMsgId();
  const li = line(log, { direction: 'out', who, text, attrs: { status: 'sending', to, clientMsgId } });
  li.querySelector('.mark').textContent = '…';
  try {
    const ack = await client.send(to, text, { clientMsgId, headers: { 'x-client-msg-id': clientMsgId } });
    li.dataset.status = 'delivered';
    li.dataset.msgId = ack.msgId;
    li.querySelector('.mark').textContent = '✓';
  } catch (error) {
    li.dataset.status = 'failed';
    li.querySelector('.mark').textContent = `✗ ${error.message}`;
  }
}

/**
 * The transports to use, most preferred first. 'websocket': the node's WebSocket listeners, and
 * the HTTP tunnel when they cannot be reached; 'http-tunnel': the tunnel only.
 */
function transports(config, choice, welcomeTimeoutMs) {
  const tunnel = httpTunnel({ uplinkUrl: config.uplinkUrl, downlinkUrl: config.downlinkUrl, welcomeTimeoutMs });
  if (choice !== 'websocket') return [tunnel];
  if (!config.wsDownlinkUrl) throw new Error('this server runs no WebSocket listener');
  return [webSocket({ downlinkUrl: config.wsDownlinkUrl, uplinkUrl: config.wsUplinkUrl, welcomeTimeoutMs }), tunnel];
}

function start(user, mode, transport) {
  $('#login').hidden = true;
  $('#chat').hidden = false;
  $('#me').textContent = `(you are ${user})`;
  document.title = `${user} · Linkgate web chat`;
  return fetch('/config.json').then(r => r.json()).then(config => {
    const welcomeTimeoutMs = Number(params.get('welcome_timeout_ms') ?? 5000);
    const client = new LinkgateClient({
      transports: transports(config, transport, welcomeTimeoutMs),
      getToken: tokenSource(user),
      deviceId: deviceId(user),
      mode,
      // For trying things out (and for the tests): ?heartbeat_ms=…&welcome_timeout_ms=…&retry_max_ms=…
    // &remember_unreachable_ms=…
      heartbeatMs: Number(params.get('heartbeat_ms') ?? 0),
      welcomeTimeoutMs,
      backoff: { maxMs: Number(params.get('retry_max_ms') ?? 10000) },
      rememberUnreachableMs: Number(params.get('remember_unreachable_ms') ?? 10 * 60 * 1000),
    });
    window.chat = { client }; // for the console, and for the browser tests
    client.on('state', showState);
    client.on('push', push => {
      const text = new TextDecoder().decode(push.payload);
      const inRoom = push.to.startsWith('room:');
      const log = inRoom ? $('#room-log') : $('#dm-log');
      if (push.from === user) {
        // The node copies a user's messages to all of their devices, this one included.
        const own = push.headers['x-client-msg-id'];
        if (own && log.querySelector(`li.out[data-client-msg-id="${CSS.escape(own)}"]`)) return;
        const who = inRoom ? user : `→ ${push.to.slice('user:'.length)}`;
        const li = line(log, { direction: 'out', who, text, attrs: { status: 'delivered', msgId: push.msgId } });
        li.querySelector('.mark').textContent = '✓ (another device)';
        return;
      }
      const li = line(log, { direction: 'in', who: push.from, text, attrs: { from: push.from, seq: push.seq, msgId: push.msgId } });
      if (!inRoom) li.querySelector('.mark').textContent = `#${push.seq}`;
    });
    client.on('resync', () => line($('#dm-log'), { direction: 'in', who: 'linkgate', text: 'some older messages are no longer on the server' }));

    $('#dm-form').addEventListener('submit', event => {
      event.preventDefault();
      const to = $('#dm-to').value.trim();
      sendAndMark(client, $('#dm-log'), `user:${to}`, $('#dm-text').value, `→ ${to}`);
      $('#dm-text').value = '';
    });
    $('#room-join').addEventListener('click', async () => {
      const room = $('#room-name').value.trim();
      $('#room-state').textContent = 'joining…';
      await client.subscribe(room);
      $('#room-state').textContent = `in ${room}`;
      $('#room-state').dataset.room = room;
    });
    $('#room-form').addEventListener('submit', event => {
      event.preventDefault();
      sendAndMark(client, $('#room-log'), `room:${$('#room-name').value.trim()}`, $('#room-text').value, user);
      $('#room-text').value = '';
    });
    addEventListener('pagehide', () => client.close());
    client.connect();
    return client;
  });
}

$('#login').addEventListener('submit', event => {
  event.preventDefault();
  start($('#login-user').value.trim(), $('#login-mode').value, $('#login-transport').value);
});
if (params.has('user')) {
  if (params.has('to')) $('#dm-to').value = params.get('to');
  start(params.get('user'), params.get('mode') ?? 'auto', params.get('transport') ?? 'http-tunnel');
}
