/**
 * The live viewer: one self-contained HTML page (inline CSS and JS, no CDN) served at `/`. It connects to `/ws`
 * on the same origin (passing `?token=` when the page was opened with one), keeps the run state from the snapshot
 * and the events, shows per-defense training progress and the current cell, and refreshes the server-rendered
 * accuracy-vs-eps chart (`/chart.svg`) whenever a cell finishes. The evaluation checks' flags appear per defense as
 * they are decided (`defense-checks` events).
 */
export const VIEWER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>advbench live</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 20px auto; max-width: 1100px; padding: 0 16px; color: #1c1c1c; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 6px; }
.muted { color: #666; } .bar { background: #eee; height: 10px; width: 260px; display: inline-block; vertical-align: middle; border-radius: 3px; overflow: hidden; }
.bar > span { background: #0072B2; display: block; height: 100%; } table { border-collapse: collapse; } td, th { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left; }
#connection.connected { color: #08753c; } #connection.disconnected { color: #b00020; } .failed { color: #b00020; }
#chart svg { max-width: 100%; height: auto; } .flag { color: #b00020; font-weight: 600; } .pass { color: #08753c; }
</style>
</head>
<body>
<h1>advbench live <span id="run-id" class="muted"></span></h1>
<p><span id="connection" class="disconnected">connecting…</span> · status <b id="run-status">—</b> · cells <b id="cells-done">0</b> / <b id="cells-total">0</b> done, <b id="cells-failed">0</b> failed</p>
<h2>Training</h2>
<table id="training"><tbody></tbody></table>
<h2>Current cell</h2>
<p id="current-cell" class="muted">none</p>
<h2>Accuracy vs ε</h2>
<div id="chart"></div>
<h2>Evaluation checks</h2>
<table id="checks"><tbody></tbody></table>
<h2>Failures</h2>
<ul id="failures"></ul>
<script>
(function () {
  var token = new URLSearchParams(location.search).get('token');
  var suffix = token ? '?token=' + encodeURIComponent(token) : '';
  var state = { results: null, training: {}, current: null, sequence: 0, failures: [], ended: false };
  var chartTimer = null, chartVersion = 0;
  function text(id, value) { document.getElementById(id).textContent = value; }
  function bar(fraction) { return '<span class="bar"><span style="width:' + Math.round(Math.max(0, Math.min(1, fraction)) * 100) + '%"></span></span>'; }
  function escape(value) { return String(value).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function seconds(value) { return isFinite(value) ? Math.round(value) + ' s' : '—'; }
  function refreshChart() {
    if (chartTimer !== null) return;
    chartTimer = setTimeout(function () {
      chartTimer = null;
      var version = ++chartVersion;
      fetch('/chart.svg' + suffix, { cache: 'no-store' }).then(function (response) { return response.text(); }).then(function (svg) {
        if (version === chartVersion) { document.getElementById('chart').innerHTML = svg; document.body.setAttribute('data-chart-version', String(version)); }
      }).catch(function () {});
    }, 150);
  }
  function render() {
    var results = state.results;
    if (results) {
      text('run-id', results.runId);
      text('run-status', results.status);
      var cells = results.cells || [];
      text('cells-total', cells.length);
      text('cells-done', cells.filter(function (c) { return c.status === 'done'; }).length);
      text('cells-failed', cells.filter(function (c) { return c.status === 'failed'; }).length);
      document.getElementById('failures').innerHTML = cells.filter(function (c) { return c.status === 'failed'; }).map(function (c) {
        return '<li class="failed">' + escape(c.id) + ': ' + escape(c.error || 'failed') + '</li>';
      }).concat((results.defenses || []).filter(function (d) { return d.status === 'failed'; }).map(function (d) {
        return '<li class="failed">defense ' + escape(d.name) + ': ' + escape(d.error || 'failed') + '</li>';
      })).join('');
    }
    var rows = [];
    var names = results ? results.defenses.map(function (d) { return d.name; }) : Object.keys(state.training);
    names.forEach(function (name) {
      var p = state.training[name];
      var defense = results ? results.defenses.find(function (d) { return d.name === name; }) : null;
      var status = defense ? defense.status : '';
      var done = status === 'done' || status === 'failed';
      var fraction = done ? 1 : p ? ((p.epoch - 1) * p.steps + p.step) / Math.max(1, p.epochs * p.steps) : 0;
      var detail = p ? 'epoch ' + p.epoch + '/' + p.epochs + ' step ' + p.step + '/' + p.steps + ' · loss ' + Number(p.loss).toFixed(3) + ' · ' + Math.round(p.examplesPerSecond) + ' ex/s · ETA ' + seconds(p.etaSeconds) : '';
      var evaluation = defense && defense.evaluation;
      if (evaluation && evaluation.randomized) {
        var attacked = evaluation.surfaces.map(function (s) { return evaluation.adaptive && evaluation.adaptive.surface === s ? s + ' (EOT-' + evaluation.adaptive.eotSamples + ')' : s; }).join(', ');
        detail = (detail ? detail + ' · ' : '') + 'randomized: attacked on ' + attacked + '; judged over ' + evaluation.judgeDraws + ' paired draws';
      }
      rows.push('<tr class="training-row" data-defense="' + escape(name) + '"><td>' + escape(name) + '</td><td>' + bar(fraction) + '</td><td>' + escape(status) + '</td><td class="muted">' + escape(detail) + '</td></tr>');
    });
    document.querySelector('#training tbody').innerHTML = rows.join('');
    document.querySelector('#checks tbody').innerHTML = (results ? results.defenses : []).map(function (d) {
      var checks = d.checks || [];
      var flags = checks.filter(function (c) { return c.verdict === 'flag'; });
      var passed = checks.filter(function (c) { return c.verdict === 'pass'; }).length;
      var summary = flags.length > 0
        ? '<span class="flag">⚑ evaluation potentially unreliable</span><ul>' + flags.map(function (c) { return '<li class="check-flag" data-check="' + escape(c.id) + '"><b>' + escape(c.id) + '</b>: ' + escape(c.detail) + '</li>'; }).join('') + '</ul>'
        : '<span class="pass">' + passed + ' passed</span>, ' + (checks.length - passed) + ' not decided yet';
      return '<tr class="checks-row" data-defense="' + escape(d.name) + '" data-flags="' + flags.length + '"><td>' + escape(d.name) + '</td><td>' + summary + '</td></tr>';
    }).join('');
    var c = state.current;
    document.getElementById('current-cell').innerHTML = c
      ? escape(cellLabel(c.cellId)) + ' ' + bar(c.examples ? (c.examplesDone + c.step / Math.max(1, c.steps)) / c.examples : 0) + ' step ' + c.step + '/' + c.steps + ', examples ' + c.examplesDone + '/' + c.examples + ', success ' + (c.successRate * 100).toFixed(1) + '%, ETA ' + seconds(c.etaSeconds) + (c.worker ? ' on ' + escape(c.worker) : '')
      : 'none';
  }
  function cellLabel(id) {
    var parts = String(id).split('|');
    if (parts.length < 4) return String(id);
    var epsilon = Number(parts[parts.length - 1]);
    var label = epsilon === 0 ? '0' : Math.round(epsilon * 255 * 100) / 100 + '/255';
    return parts.slice(0, -1).join(' · ') + ' · ε=' + label;
  }
  function replaceCell(cell) {
    if (!state.results) return;
    var cells = state.results.cells, index = cells.findIndex(function (c) { return c.id === cell.id; });
    if (index >= 0) cells[index] = cell; else cells.push(cell);
  }
  function handle(message) {
    if (!message || typeof message.type !== 'string') return;
    if (message.type === 'snapshot') {
      state.results = message.results; state.training = message.training || {}; state.current = message.currentCell || null; state.sequence = message.sequence || 0;
      render(); refreshChart(); return;
    }
    if (typeof message.sequence === 'number') { if (message.sequence <= state.sequence) return; state.sequence = message.sequence; }
    switch (message.type) {
      case 'run-start': state.results = message.results; state.training = {}; state.current = null; refreshChart(); break;
      case 'train-start': case 'train-end':
        if (state.results) state.results.defenses.forEach(function (d) { if (d.name === message.defense) { d.status = message.type === 'train-start' ? 'running' : 'done'; if (message.evaluation) d.evaluation = message.evaluation; } });
        break;
      case 'train-progress': state.training[message.defense] = message; break;
      case 'cell-start': replaceCell(message.cell); break;
      case 'cell-progress': state.current = message; break;
      case 'cell-end': replaceCell(message.cell); if (state.current && state.current.cellId === message.cell.id) state.current = null; refreshChart(); break;
      case 'defense-checks':
        if (state.results) state.results.defenses.forEach(function (d) { if (d.name === message.defense) { d.checks = message.checks; d.bestKnown = message.bestKnown; } });
        break;
      case 'cells-dropped':
        if (state.results) state.results.cells = state.results.cells.filter(function (c) { return message.cellIds.indexOf(c.id) < 0; });
        refreshChart();
        break;
      case 'run-end': if (state.results) state.results.status = message.status; state.current = null; state.ended = true; break;
      case 'chart':
        if (chartTimer !== null) { clearTimeout(chartTimer); chartTimer = null; }
        chartVersion += 1; document.getElementById('chart').innerHTML = message.svg; document.body.setAttribute('data-chart-version', String(chartVersion));
        break;
      case 'error': break;
    }
    render();
  }
  function connect() {
    var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + suffix);
    socket.onopen = function () { var el = document.getElementById('connection'); el.textContent = 'live'; el.className = 'connected'; };
    socket.onmessage = function (event) { var message; try { message = JSON.parse(event.data); } catch (error) { return; } handle(message); };
    socket.onclose = function () {
      var el = document.getElementById('connection');
      if (state.ended) { el.textContent = 'run finished (advbench serve <out> shows it again)'; el.className = 'disconnected'; return; }
      el.textContent = 'disconnected, retrying…'; el.className = 'disconnected';
      setTimeout(connect, 1000);
    };
  }
  connect();
})();
</script>
</body>
</html>
`;
