'use strict';

const view = document.getElementById('view');
let timer = null;

const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

async function api(path, options = {}) {
  const response = await fetch('/api' + path, { headers: { 'Content-Type': 'application/json' }, ...options });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(body?.detail || body?.title || response.statusText);
  return body;
}

function every(ms, render) {
  clearInterval(timer);
  const tick = () => render().catch((e) => { view.dataset.error = e.message; });
  tick();
  timer = setInterval(tick, ms);
}

const views = {
  resources() {
    every(1000, async () => {
      const resources = await api('/resources');
      view.innerHTML = `
        <table data-testid="resources"><thead><tr><th>Name</th><th>Type</th><th>State</th><th>Health</th><th>PID</th><th>Endpoints</th><th>Restarts</th></tr></thead><tbody>
        ${resources.map((r) => `<tr class="clickable" data-resource="${esc(r.name)}">
          <td>${esc(r.name)}</td><td>${esc(r.type)}</td><td class="state-${esc(r.state)}" data-testid="state-${esc(r.name)}">${esc(r.state)}</td>
          <td>${r.healthy ? 'Healthy' : 'Unhealthy'}</td><td>${esc(r.pid)}</td><td>${r.endpoints.map(esc).join('<br>')}</td><td>${r.restarts}</td></tr>`).join('')}
        </tbody></table><p class="muted">Click a resource for its console logs.</p>`;
      view.querySelectorAll('tr[data-resource]').forEach((row) => row.onclick = () => { location.hash = 'logs/' + row.dataset.resource; });
    });
  },

  logs(name) {
    let after = 0;
    view.innerHTML = `<h2>Console logs: ${esc(name)}</h2><pre data-testid="logs"></pre>`;
    const pre = view.querySelector('pre');
    every(1000, async () => {
      const lines = await api(`/resources/${encodeURIComponent(name)}/logs?after=${after}`);
      for (const line of lines) {
        const span = document.createElement('span');
        if (line.isError) span.className = 'err';
        span.textContent = line.text + '\n';
        pre.appendChild(span);
        after = line.sequence;
      }
      if (lines.length) pre.scrollTop = pre.scrollHeight;
    });
  },

  traces() {
    every(2000, async () => {
      const traces = await api('/traces');
      view.innerHTML = `
        <table data-testid="traces"><thead><tr><th>Started</th><th>Name</th><th>Services</th><th>Spans</th><th>Duration</th></tr></thead><tbody>
        ${traces.map((t) => `<tr class="clickable" data-trace="${esc(t.traceId)}">
          <td>${esc(new Date(t.start).toLocaleTimeString())}</td><td>${esc(t.name)}${t.hasError ? ' ⚠' : ''}</td>
          <td>${t.services.map(esc).join(', ')}</td><td>${t.spanCount}</td><td>${t.durationMs.toFixed(1)} ms</td></tr>`).join('')}
        </tbody></table>`;
      view.querySelectorAll('tr[data-trace]').forEach((row) => row.onclick = () => { location.hash = 'trace/' + row.dataset.trace; });
    });
  },

  async trace(id) {
    clearInterval(timer);
    const spans = await api('/traces/' + encodeURIComponent(id));
    const start = Math.min(...spans.map((s) => s.startUnixMs));
    const end = Math.max(...spans.map((s) => s.startUnixMs + s.durationMs));
    const total = Math.max(end - start, 1);
    const depth = {};
    const byId = Object.fromEntries(spans.map((s) => [s.spanId, s]));
    const level = (s) => depth[s.spanId] ??= (s.parentSpanId && byId[s.parentSpanId] ? level(byId[s.parentSpanId]) + 1 : 0);
    view.innerHTML = `<h2>Trace ${esc(id)}</h2><div class="waterfall" data-testid="waterfall">
      ${spans.map((s) => {
        const left = ((s.startUnixMs - start) / total) * 100;
        const width = Math.max((s.durationMs / total) * 100, 0.3);
        const tags = Object.entries(s.attributes).map(([k, v]) => `${k}=${v}`).join('\n');
        return `<div class="span-row" title="${esc(tags)}"><div style="padding-left:${level(s) * 14}px">
          <b>${esc(s.service)}</b> ${esc(s.name)} <span class="muted">${esc(s.kind)}</span></div>
          <div class="span-bar"><div class="${s.isError ? 'error' : ''}" style="left:${left}%;width:${width}%"></div></div>
          <div>${s.durationMs.toFixed(2)} ms</div></div>`;
      }).join('')}</div>`;
  },

  pipeline() {
    every(2000, async () => {
      const pipeline = await api('/pipeline');
      const stats = pipeline.stats ?? {};
      const cards = (title, entries) => `<h3>${esc(title)}</h3><div class="cards">${Object.entries(entries ?? {}).map(([k, v]) =>
        `<div class="card"><span class="muted">${esc(k)}</span><b>${esc(v)}</b></div>`).join('') || '<span class="muted">none yet</span>'}</div>`;
      view.innerHTML = `
        <div class="cards"><div class="card"><span class="muted">events/s</span><b data-testid="events-per-second">${esc((stats.eventsPerSecond ?? 0).toFixed?.(1) ?? stats.eventsPerSecond)}</b></div></div>
        <table data-testid="modules"><thead><tr><th>Order</th><th>Module (flag)</th><th>Type</th><th>Enabled</th></tr></thead><tbody>
        ${pipeline.modules.map((m) => `<tr><td>${m.order}</td><td>${esc(m.name)}</td><td class="muted">${esc(m.typeName)}</td>
          <td><input type="checkbox" data-module="${esc(m.name)}" ${m.enabled ? 'checked' : ''}></td></tr>`).join('')}
        </tbody></table>
        ${cards('Records by topic', stats.recordsByTopic)}${cards('DLQ records by reason', stats.deadLettersByReason)}`;
      view.querySelectorAll('input[data-module]').forEach((box) => box.onchange = async () => {
        await api('/pipeline/modules/' + encodeURIComponent(box.dataset.module), { method: 'PUT', body: JSON.stringify({ enabled: box.checked }) });
      });
    });
  },

  topics() {
    every(3000, async () => {
      const topics = await api('/topics');
      view.innerHTML = `<table data-testid="topics"><thead><tr><th>Topic</th><th>Partitions</th><th>Records</th></tr></thead><tbody>
        ${topics.map((t) => `<tr class="clickable" data-topic="${esc(t.name)}"><td>${esc(t.name)}</td><td>${t.partitions}</td><td>${t.records}</td></tr>`).join('')}
        </tbody></table>`;
      view.querySelectorAll('tr[data-topic]').forEach((row) => row.onclick = () => { location.hash = 'topic/' + encodeURIComponent(row.dataset.topic); });
    });
  },

  topic(name) {
    name = decodeURIComponent(name);
    const isDlq = name.endsWith('dlq');
    every(3000, async () => {
      const records = await api(`/topics/${encodeURIComponent(name)}/records?limit=50`);
      view.innerHTML = `<h2>${esc(name)}</h2>
        ${isDlq ? '<p><button data-testid="replay">Replay DLQ</button> <label><input type="checkbox" id="skipSignature"> skip signature check</label> <span id="replayResult" class="muted"></span></p>' : ''}
        <table data-testid="records"><thead><tr><th>Partition/offset</th><th>Key</th><th>Headers</th><th>Value</th></tr></thead><tbody>
        ${records.map((r) => `<tr><td>${r.partition}/${r.offset}<br><span class="muted">${esc(new Date(r.timestamp).toLocaleTimeString())}</span></td>
          <td><code>${esc(r.key)}</code></td><td><code class="value">${Object.entries(r.headers).map(([k, v]) => esc(`${k}: ${v}`)).join('<br>')}</code></td>
          <td><code class="value">${esc(r.value)}</code></td></tr>`).join('')}
        </tbody></table>`;
      const replay = view.querySelector('[data-testid=replay]');
      if (replay) replay.onclick = async () => {
        clearInterval(timer);
        const result = await api('/dlq/replay', { method: 'POST', body: JSON.stringify({ topic: name, skipSignatureCheck: document.getElementById('skipSignature').checked }) });
        document.getElementById('replayResult').textContent = JSON.stringify(result);
      };
    });
  },

  snapshot() {
    clearInterval(timer);
    view.innerHTML = `<h2>Snapshot</h2>
      <p><input type="text" id="resources" placeholder="customer,invoice (empty = the source's resources)"> <button id="start" data-testid="start-snapshot">Start snapshot</button>
      <button class="secondary" id="reconcile">Reconcile last 24 h</button></p><div id="progress" data-testid="snapshot-progress"></div>`;
    const show = (run) => {
      const rows = Object.entries(run.resources ?? {}).map(([name, p]) =>
        `<tr><td>${esc(name)}</td><td>${esc(p.state ?? '')}</td><td>${esc(p.objects ?? p.count ?? 0)}</td><td>${esc(p.error ?? '')}</td></tr>`).join('');
      document.getElementById('progress').innerHTML = `<p>Run <b>${esc(run.id)}</b>: ${esc(run.state ?? run.status ?? '')}</p>
        <table><thead><tr><th>Resource</th><th>State</th><th>Objects</th><th>Error</th></tr></thead><tbody>${rows}</tbody></table>`;
    };
    document.getElementById('start').onclick = async () => {
      const resources = document.getElementById('resources').value.split(',').map((r) => r.trim()).filter(Boolean);
      const run = await api('/snapshots', { method: 'POST', body: JSON.stringify({ resources }) });
      every(1000, async () => show(await api('/snapshots/' + encodeURIComponent(run.id))));
    };
    document.getElementById('reconcile').onclick = async () => {
      const run = await api('/reconciliations', { method: 'POST', body: JSON.stringify({ hours: 24 }) });
      document.getElementById('progress').textContent = JSON.stringify(run);
    };
  },
};

function route() {
  const [name, ...rest] = (location.hash.slice(1) || 'resources').split('/');
  const render = views[name] ?? views.resources;
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === name));
  delete view.dataset.error;
  Promise.resolve(render(rest.join('/'))).catch((e) => { view.textContent = 'Error: ' + e.message; });
}

window.addEventListener('hashchange', route);
route();
