// The demo page: plain JavaScript, no build step. The WebSocket goes to the edge on this page's own host and
// port; the metrics come from the actuator on the management port (8081, or ?management=PORT).
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const wsBase = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
  const management = location.protocol + '//' + location.hostname + ':' + (params.get('management') || '8081');

  let socket = null;
  let route = null;
  let openedAt = 0;

  $('edge-url').textContent = wsBase;
  $('management-url').textContent = management + '/actuator';

  function log(kind, text) {
    const item = document.createElement('li');
    item.className = kind;
    item.textContent = { sent: '> ', received: '< ', edge: '! ', info: '  ' }[kind] + text;
    $('log').appendChild(item);
    item.scrollIntoView({ block: 'nearest' });
  }

  function setStatus(text, kind) {
    $('status').textContent = text;
    $('status').className = kind || '';
  }

  function setConnected(connected) {
    $('connect').disabled = connected;
    $('disconnect').disabled = !connected;
    for (const id of ['send', 'send-card', 'send-raw', 'flood']) {
      $(id).disabled = !connected;
    }
  }

  function send(text) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(text);
      log('sent', text);
    }
  }

  // On the chat route every message is JSON, as the route's JSON Schema (schemas/chat-message.json) requires.
  function sendMessage(text) {
    send(route === 'chat' ? JSON.stringify({ from: $('name').value, text: text }) : text);
  }

  function show(data) {
    try {
      const message = JSON.parse(data);
      if (message && typeof message === 'object' && 'text' in message) {
        log('received', (message.from || '?') + ': ' + message.text);
        return;
      }
    } catch (ignored) {
      // Not JSON: shown as it came.
    }
    log('received', data);
  }

  function connect() {
    route = $('route').value;
    const url = wsBase + '/ws/' + route;
    log('info', 'connecting to ' + url);
    setStatus('connecting', '');
    socket = new WebSocket(url);
    socket.onopen = () => {
      openedAt = Date.now();
      setStatus('open', 'open');
      setConnected(true);
      if (route === 'chat') {
        // First-message authentication: browsers cannot set headers on a WebSocket upgrade.
        send(JSON.stringify({ token: $('token').value }));
        log('info', 'the edge checks the token and drops the message: the chat server never sees it');
      }
    };
    socket.onmessage = (event) => show(event.data);
    socket.onclose = (event) => {
      const text = 'closed ' + event.code + (event.reason ? ' ' + event.reason : '');
      setStatus(text, 'closed');
      log('edge', text);
      setConnected(false);
      socket = null;
      refreshMetrics();
    };
  }

  $('connect').onclick = connect;
  $('disconnect').onclick = () => socket && socket.close(1000, 'bye');
  $('send').onclick = () => sendMessage($('message').value);
  $('message').onkeydown = (event) => { if (event.key === 'Enter') { sendMessage($('message').value); } };
  $('send-card').onclick = () => sendMessage('pay with 4111 1111 1111 1234');
  $('send-raw').onclick = () => send('this is not JSON');
  $('flood').onclick = () => {
    for (let i = 1; i <= 50 && socket; i++) {
      sendMessage('message ' + i);
    }
  };

  async function actuator(path) {
    const response = await fetch(management + '/actuator/' + path);
    if (!response.ok) {
      throw new Error(path + ': HTTP ' + response.status);
    }
    return response.json();
  }

  async function count(meter) {
    const body = await actuator('metrics/' + meter + '?tag=route:' + encodeURIComponent(route));
    const measurement = body.measurements.find((m) => m.statistic === 'COUNT' || m.statistic === 'VALUE');
    return measurement ? measurement.value : 0;
  }

  async function refreshMetrics() {
    if (!route) {
      return;
    }
    try {
      const [active, messages, dropped, violations, sessions] = await Promise.all([
        count('wsedge.sessions.active'),
        actuator('metrics/wsedge.messages?tag=route:' + route + '&tag=direction:client')
          .then((body) => body.measurements[0].value),
        count('wsedge.messages.dropped').catch(() => 0),
        count('wsedge.policy.violations').catch(() => 0),
        actuator('wsedgesessions?route=' + encodeURIComponent(route)),
      ]);
      $('metric-active').textContent = active;
      $('metric-messages').textContent = messages;
      $('metric-dropped').textContent = dropped;
      $('metric-violations').textContent = violations;
      const rows = $('sessions');
      rows.replaceChildren();
      for (const session of sessions.sessions) {
        const row = rows.insertRow();
        // This page's session: opened when the page saw its socket open (the newest such session).
        const mine = socket && Math.abs(Date.parse(session.startedAt) - openedAt) < 2000;
        row.className = mine ? 'mine' : '';
        for (const text of [session.id + (mine ? ' (this page)' : ''), session.age,
          session.messages.client + ' / ' + session.messages.upstream,
          session.bytes.client + ' / ' + session.bytes.upstream]) {
          row.insertCell().textContent = text;
        }
      }
      $('metrics-error').textContent = '';
    } catch (error) {
      $('metrics-error').textContent = 'metrics unavailable: ' + error.message;
    }
  }

  setInterval(refreshMetrics, 1000);
}());
