// SPDX-License-Identifier: BSD-2-Clause
// minflow's web page: reads the collector's /api/v1 JSON and draws it.
// Every string that came from the network (DNS names, device names,
// vendors, addresses) reaches the document only as a text node made by
// netText(); nothing here parses markup.

const CLASSES = ['in', 'out', 'inweb', 'outweb', 'internal', 'external'];
const LIVE_CLASSES = ['in', 'out', 'inweb', 'outweb', 'internal'];
const KINDS = ['web', 'dns', 'mail', 'remote', 'file', 'streaming',
	'internal', 'other', 'anomalous'];
const STATES = ['new', 'active', 'over'];
const STEP_NAMES = { 60: 'minute', 3600: 'hour', 86400: 'day' };
const COLOURS = { in: '#2a9d8f', out: '#e76f51', inweb: '#457b9d',
	outweb: '#f4a261', internal: '#8d99ae', external: '#6a4c93' };
const STREAM_ROWS = 300;        // rows kept in the stream table
const STREAM_DEVICES = 256;     // devices offered in the stream filter
const SPANS = { hour: [3600, 60], day: [86400, 3600],
	month: [30 * 86400, 3600] };

// Characters that change how text around them is laid out (bidi embeddings,
// overrides and isolates, marks): removed for display, with a marker.
const BIDI_SET = '\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C';
const CONTROL_SET = '\u0000-\u001f\u007f-\u009f';
const BIDI = new RegExp('[' + BIDI_SET + ']');
// What netText() makes visible: C0/C1 controls, U+FFFD (the collector's
// stand-in for invalid UTF-8), the DNS parser's \DDD byte escapes, bidi.
const SPECIAL = new RegExp('[' + CONTROL_SET + ']|\uFFFD|\\\\[0-9]{3}|[' +
    BIDI_SET + ']', 'g');

const state = {
	view: null,
	latest: null,
	nowChart: null,
	historyChart: null,
	historyStep: null,
	span: 'hour',
	stream: null,
	paused: false,
	shown: 0,
	streamDevices: new Set(),
	timer: null,
	refreshes: 0,
};

function el(tag, cls) {
	const e = document.createElement(tag);
	if (cls)
		e.className = cls;
	return e;
}

function span(cls, text, title) {
	const s = el('span', cls);
	s.textContent = text;
	if (title)
		s.title = title;
	return s;
}

// A string from the network as a node: text nodes only, controls and
// escapes shown as marked spans, bidi controls dropped and flagged, all in
// a <bdi> so that the text cannot reorder what is around it.
function netText(value) {
	if (value === null || value === undefined || value === '')
		return span('none', '\u2014');
	const s = String(value);
	const out = el('bdi', 'net');
	let last = 0;
	let bidi = false;
	let m;
	SPECIAL.lastIndex = 0;
	while ((m = SPECIAL.exec(s)) !== null) {
		if (m.index > last)
			out.append(document.createTextNode(s.slice(last, m.index)));
		const c = m[0];
		if (c.length === 4)
			out.append(span('esc', c, 'byte ' + Number(c.slice(1))));
		else if (c === '\uFFFD')
			out.append(span('bad', '\uFFFD', 'invalid UTF-8'));
		else if (BIDI.test(c))
			bidi = true;
		else
			out.append(span('ctl', '\\x' + c.charCodeAt(0)
			    .toString(16).padStart(2, '0'), 'control character'));
		last = SPECIAL.lastIndex;
	}
	if (last < s.length)
		out.append(document.createTextNode(s.slice(last)));
	if (bidi)
		out.append(span('bidi', '\u21c4',
		    'bidirectional control characters removed'));
	return out;
}

// A network string for places that hold plain text only (menu options):
// controls become U+FFFD, bidi controls are dropped.
function plain(value) {
	return String(value)
	    .replace(new RegExp('[' + CONTROL_SET + ']', 'g'), '\uFFFD')
	    .replace(new RegExp('[' + BIDI_SET + ']', 'g'), '');
}

function fmt(n) {
	if (typeof n !== 'number' || !Number.isFinite(n))
		return '\u2014';
	return n.toLocaleString('en-US');
}

function human(n) {
	const units = ['B', 'kB', 'MB', 'GB', 'TB'];
	let i = 0;
	while (n >= 1000 && i < units.length - 1) {
		n /= 1000;
		i++;
	}
	return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

// Append a cell: a Node as is, a number formatted (exact, with its size in
// bytes as a tooltip when asked), anything else as plain text.
function cell(tr, v, opts = {}) {
	const td = el('td', opts.cls);
	if (v instanceof Node) {
		td.append(v);
	} else if (typeof v === 'number') {
		td.className = (opts.cls ? opts.cls + ' ' : '') + 'num';
		td.textContent = fmt(v);
		if (opts.bytes)
			td.title = human(v);
	} else {
		td.textContent = v === null || v === undefined ? '\u2014' : String(v);
	}
	tr.append(td);
	return td;
}

function fill(tbody, rows, render) {
	const body = typeof tbody === 'string' ?
	    document.querySelector(tbody) : tbody;
	body.replaceChildren();
	for (const r of rows) {
		const tr = el('tr');
		render(tr, r);
		body.append(tr);
	}
	if (rows.length === 0) {
		const tr = el('tr', 'empty');
		const td = cell(tr, 'nothing yet');
		td.colSpan = body.parentElement.tHead.rows[0].cells.length;
		body.append(tr);
	}
}

function setStatus(msg) {
	document.getElementById('status').textContent = msg || '';
}

function iso(sec) {
	return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// GET an API path; resolves to the answer's "data", rejects with the
// server's "error" message.
async function api(path, params) {
	const q = params ? '?' + new URLSearchParams(params).toString() : '';
	const r = await fetch('api/v1/' + path + q,
	    { headers: { Accept: 'application/json' } });
	let body;
	try {
		body = await r.json();
	} catch (e) {
		throw new Error(path + ': HTTP ' + r.status + ', not JSON');
	}
	if (!r.ok || body === null || typeof body !== 'object' ||
	    body.api !== 1 || 'error' in body)
		throw new Error(path + ': ' + (body && typeof body.error ===
		    'string' ? body.error : 'HTTP ' + r.status));
	return body.data;
}

// A list out of an answer: data itself or data[key].
function list(data, key) {
	if (Array.isArray(data))
		return data;
	if (data && Array.isArray(data[key]))
		return data[key];
	return [];
}

function rangeText(id, data) {
	const e = document.getElementById(id);
	e.textContent = data && data.from && data.to ?
	    String(data.from) + ' \u2013 ' + String(data.to) : '';
}

function deviceBytes(d) {
	if (typeof d.bytes === 'number')
		return d.bytes;
	return (d.bytes_out || 0) + (d.bytes_in || 0);
}

function addresses(list_) {
	const box = el('span', 'addrs');
	for (const a of Array.isArray(list_) ? list_ : []) {
		const v = a !== null && typeof a === 'object' ? a.address : a;
		const item = el('span', 'addr');
		item.append(netText(v));
		if (a !== null && typeof a === 'object' && a.country)
			item.append(' ', span('cc', String(a.country)));
		box.append(item);
	}
	return box;
}

// --- views ---------------------------------------------------------------

function chart(target, old, classes, t, values, unit) {
	const data = [t, ...classes.map((c) => values[c] || [])];
	if (old) {
		old.setData(data);
		return old;
	}
	const box = document.getElementById(target);
	const opts = {
		width: Math.max(320, box.clientWidth || 800),
		height: 260,
		series: [{}, ...classes.map((c) => ({ label: c,
		    stroke: COLOURS[c], width: 1.5 }))],
		axes: [{}, { label: unit, values: (u, v) =>
		    v.map((x) => human(x)), size: 70 }],
	};
	return new uPlot(opts, data, box);
}

async function showNow() {
	const latest = await api('latest');
	state.latest = latest;
	const sum = latest && latest.summary ? latest.summary : {};
	fill('#totals tbody', CLASSES, (tr, c) => {
		const v = sum[c] || {};
		tr.dataset.class = c;
		cell(tr, c);
		cell(tr, v.flows, { cls: 'flows' });
		cell(tr, v.packets, { cls: 'packets' });
		cell(tr, v.bytes, { cls: 'bytes', bytes: true });
	});
	const iv = latest && latest.interval ? latest.interval : {};
	rangeText('now-interval', { from: iv.start, to: iv.end });
	// the last hour of flow time the collector's live counters hold
	const s = await api('series', { step: 1 });
	state.nowChart = chart('now-chart', state.nowChart, LIVE_CLASSES,
	    s.t || [], s.bytes || {}, 'bytes per second');
}

function deviceRow(tr, d) {
	tr.dataset.id = String(d.id);
	tr.tabIndex = 0;
	cell(tr, netText(d.id), { cls: 'id' });
	cell(tr, netText(d.name), { cls: 'name' });
	cell(tr, netText(d.mac), { cls: 'mac' });
	cell(tr, netText(d.vendor), { cls: 'vendor' });
	cell(tr, addresses(d.addresses));
	cell(tr, deviceBytes(d), { cls: 'bytes', bytes: true });
	cell(tr, d.flows, { cls: 'flows' });
	const open = () => showTalks(String(d.id)).catch((e) =>
		setStatus(e.message));
	tr.addEventListener('click', open);
	tr.addEventListener('keydown', (e) => {
		if (e.key === 'Enter')
			open();
	});
}

async function showDevices() {
	const data = await api('devices');
	rangeText('devices-range', data);
	fill('#devices-table tbody', list(data, 'devices'), deviceRow);
}

// Rows of (name, bytes[, devices]).
function nameRows(tbody, names, devices = false) {
	fill(tbody, names, (tr, n) => {
		cell(tr, netText(n.name), { cls: 'name' });
		cell(tr, n.bytes, { cls: 'bytes', bytes: true });
		if (devices)
			cell(tr, n.devices);
	});
}

// A device's answer: its facts and totals, and "talks_to" (names by
// bytes over the range it says).
function talksTo(data) {
	const t = data && data.talks_to ? data.talks_to : {};
	return { range: t, names: list(t, 'names') };
}

async function showTalks(id) {
	const data = await api('devices/' + encodeURIComponent(id));
	const title = document.getElementById('talks-title');
	title.replaceChildren(netText(data && data.name ? data.name : id));
	const t = talksTo(data);
	rangeText('talks-range', t.range);
	nameRows('#talks-table tbody', t.names);
	document.getElementById('talks').hidden = false;
}

async function showNames() {
	const data = await api('names');
	rangeText('names-range', data);
	nameRows('#names-table tbody', list(data, 'names'), true);
	// Countries: only when the collector has a [geo] database.
	const latest = await api('latest');
	const top = latest && latest.top ? latest.top : {};
	const countries = Array.isArray(top.countries) ? top.countries : [];
	document.getElementById('countries').hidden = countries.length === 0;
	const iv = latest && latest.interval ? latest.interval : {};
	rangeText('countries-range', { from: iv.start, to: iv.end });
	fill('#countries-table tbody', countries, (tr, c) => {
		cell(tr, netText(c.country));
		cell(tr, c.bytes, { bytes: true });
		cell(tr, c.packets);
		cell(tr, c.flows);
	});
}

// An anomaly's device (or address), and its address when that differs.
function who(a) {
	const box = el('span');
	const addr = a.ip || a.address;
	box.append(netText(a.device || addr));
	if (a.device && addr && addr !== a.device)
		box.append(' ', netText(addr));
	return box;
}

// Device names by id: history's devices over a range (/api/v1/devices,
// its largest 1000), and for ids it lacks the latest report's "devices";
// an id that is an address (a device without a MAC, or a DNS client) is
// the latest report's first device listing that address.
// History keeps only the device's id with an anomaly; this gives its name.
async function deviceNames(range, latest) {
	const names = new Map();
	const r = range && range.from && range.to ?
	    { from: range.from, to: range.to } : undefined;
	for (const d of list(await api('devices', r), 'devices'))
		names.set(String(d.id), d.name);
	const devs = list(latest, 'devices');
	for (const d of devs)
		if (!names.has(String(d.id)))
			names.set(String(d.id), d.name);
	// a DNS client's address stands for the device holding it
	for (const d of devs)
		for (const a of Array.isArray(d.addresses) ? d.addresses : [])
			if (typeof a === 'string' && !names.has(a))
				names.set(a, d.name);
	return names;
}

function nameOf(names, id) {
	return id === null || id === undefined ? null :
	    names.get(String(id));
}

// The latest report's blocklist hits ([blocklists]), in its order; hidden
// when the report has no "blocklist" (no list configured).
function blocklistHits(latest, names) {
	const bl = latest && latest.blocklist;
	const box = document.getElementById('blocklist');
	box.hidden = !bl || typeof bl !== 'object';
	if (box.hidden)
		return;
	const iv = latest.interval || {};
	rangeText('blocklist-range', { from: iv.start, to: iv.end });
	const dropped = document.getElementById('blocklist-dropped');
	dropped.textContent = fmt(bl.dropped_hits);
	fill('#blocklist-table tbody', list(bl, 'hits'), (tr, h) => {
		tr.dataset.device = h.device === null || h.device === undefined ?
		    '' : String(h.device);
		cell(tr, netText(nameOf(names, h.device)), { cls: 'name' });
		cell(tr, netText(h.device));
		cell(tr, netText(h.list));
		cell(tr, h.line);
		cell(tr, netText(h.entry));
		cell(tr, netText(h.kind));
		cell(tr, netText(h.match), { cls: 'name' });
		cell(tr, netText(h.via));
		cell(tr, h.flows);
		cell(tr, h.bytes, { bytes: true });
		cell(tr, netText(h.first));
		cell(tr, netText(h.last));
	});
}

async function showAnomalies() {
	const data = await api('anomalies');
	const latest = await api('latest');
	state.latest = latest;
	const names = await deviceNames(data, latest);
	rangeText('anomalies-range', data);
	fill('#anomalies-table tbody', list(data, 'anomalies'), (tr, a) => {
		const st = STATES.includes(a.state) ? a.state : 'unknown';
		tr.classList.add('state-' + st);
		cell(tr, span('badge', st));
		cell(tr, netText(a.type));
		cell(tr, netText(nameOf(names, a.device)), { cls: 'name' });
		cell(tr, who(a));
		cell(tr, netText(a.first));
		cell(tr, netText(a.last));
		cell(tr, a.score);
		cell(tr, a.flows);
		cell(tr, a.target_count);
	});
	blocklistHits(latest, names);
}

async function showDns() {
	const latest = await api('latest');
	const dns = latest && latest.dns ? latest.dns : {};
	const iv = latest && latest.interval ? latest.interval : {};
	rangeText('dns-interval', { from: iv.start, to: iv.end });
	fill('#dns-most tbody', list(dns, 'most_resolved'), (tr, n) => {
		cell(tr, netText(n.name), { cls: 'name' });
		cell(tr, n.count);
	});
	fill('#dns-failures tbody', list(dns, 'failures'), (tr, n) => {
		cell(tr, netText(n.name), { cls: 'name' });
		cell(tr, n.rcode);
		cell(tr, n.count);
	});
	fill('#dns-last tbody', list(dns, 'last_resolved'), (tr, n) => {
		cell(tr, netText(n.time));
		cell(tr, netText(n.name), { cls: 'name' });
		cell(tr, netText(n.address));
		cell(tr, netText(n.client));
	});
}

// History ranges end at the latest report, so that a capture read with -r
// (whose reports lie in the past) is browsable as well as a live network.
function historyEnd() {
	const iv = state.latest && state.latest.interval;
	const t = iv ? Date.parse(iv.end) : NaN;
	return Number.isFinite(t) ? Math.floor(t / 1000) :
	    Math.floor(Date.now() / 1000);
}

async function showHistory() {
	if (!state.latest)
		state.latest = await api('latest');
	const [len, step] = SPANS[state.span];
	const end = historyEnd();
	const range = { from: iso(end - len), to: iso(end) };
	for (const b of document.querySelectorAll('[data-span]'))
		b.classList.toggle('on', b.dataset.span === state.span);
	const s = await api('series', { ...range, step });
	rangeText('history-range', s);
	if (state.historyChart && state.historyStep !== s.step) {
		state.historyChart.destroy();
		state.historyChart = null;
	}
	state.historyStep = s.step;
	state.historyChart = chart('history-chart', state.historyChart,
	    CLASSES, s.t || [], s.bytes || {},
	    'bytes per ' + (STEP_NAMES[s.step] || String(s.step) + ' s'));
	const sel = document.getElementById('history-device');
	const devs = list(await api('devices', range), 'devices');
	const keep = sel.value;
	sel.replaceChildren(new Option('all devices', ''));
	for (const d of devs)
		sel.append(new Option(plain(d.name || d.id), String(d.id)));
	sel.value = devs.some((d) => String(d.id) === keep) ? keep : '';
	const one = sel.value;
	const shown = one ? devs.filter((d) => String(d.id) === one) : devs;
	fill('#history-table tbody', shown, (tr, d) => {
		tr.dataset.id = String(d.id);
		cell(tr, netText(d.id));
		cell(tr, netText(d.name));
		cell(tr, d.bytes_out, { bytes: true });
		cell(tr, d.bytes_in, { bytes: true });
		cell(tr, d.flows);
	});
	const names = document.getElementById('history-names');
	names.hidden = !one;
	if (one) {
		const data = await api('devices/' + encodeURIComponent(one),
		    range);
		nameRows('#history-names tbody', talksTo(data).names);
	}
}

async function showExporters() {
	const data = await api('exporters');
	fill('#exporters-table tbody', list(data, 'exporters'), (tr, x) => {
		const port = x.port ? ':' + String(x.port) : '';
		cell(tr, netText(String(x.address) + port));
		cell(tr, netText(x.protocol));
		cell(tr, x.observation_domain);
		cell(tr, x.records);
		cell(tr, x.lost, { cls: x.lost > 0 ? 'warn' : '' });
		cell(tr, x.late_records);
		cell(tr, x.undecodable, { cls: x.undecodable > 0 ? 'warn' : '' });
		cell(tr, netText(x.last_seen));
	});
}

// --- the live stream ---------------------------------------------------

function endpoint(addr, port) {
	const a = String(addr);
	return (a.includes(':') ? '[' + a + ']' : a) + ':' + String(port);
}

function streamDevice(f) {
	const id = f.device === null || f.device === undefined ? '' :
	    String(f.device);
	const sel = document.getElementById('stream-device');
	if (id && !state.streamDevices.has(id) &&
	    state.streamDevices.size < STREAM_DEVICES) {
		state.streamDevices.add(id);
		sel.append(new Option(plain(f.device_name || id), id));
	}
	return id;
}

function onFlow(ev) {
	let f;
	try {
		f = JSON.parse(ev.data);
	} catch (e) {
		return;
	}
	if (f === null || typeof f !== 'object')
		return;
	const id = streamDevice(f);
	const want = document.getElementById('stream-device').value;
	if (state.paused || (want && want !== id))
		return;
	const tr = el('tr');
	tr.classList.add('kind-' + (KINDS.includes(f.kind) ? f.kind : 'other'));
	tr.dataset.device = id;
	// the time of day (the date is in the tooltip)
	const t = typeof f.t === 'string' ? f.t : '';
	cell(tr, netText(t.slice(11) || t)).title = t;
	cell(tr, netText(f.device_name || f.device));
	cell(tr, netText(endpoint(f.src, f.sport)));
	cell(tr, netText(endpoint(f.dst, f.dport)));
	cell(tr, netText(f.name), { cls: 'name' });
	cell(tr, f.proto);
	cell(tr, f.bytes, { bytes: true });
	cell(tr, f.packets);
	cell(tr, netText(f.class));
	cell(tr, netText(f.kind));
	// the local program (minflow-exporter --processes on a host)
	cell(tr, netText(f.process));
	// the remote side's country ([geo])
	cell(tr, netText(f.country));
	const body = document.querySelector('#stream-table tbody');
	body.prepend(tr);
	while (body.rows.length > STREAM_ROWS)
		body.lastElementChild.remove();
	state.shown++;
	document.getElementById('stream-count').textContent = fmt(state.shown);
}

function startStream() {
	if (state.stream)
		return;
	const es = new EventSource('api/v1/stream');
	const st = document.getElementById('stream-state');
	es.addEventListener('flow', onFlow);
	es.addEventListener('drops', (ev) => {
		try {
			const d = JSON.parse(ev.data);
			document.getElementById('stream-drops').textContent =
			    fmt(d.dropped);
		} catch (e) {
			/* a malformed event changes nothing */
		}
	});
	es.onopen = () => {
		st.textContent = 'connected';
	};
	es.onerror = () => {
		st.textContent = 'reconnecting';
	};
	state.stream = es;
}

// --- navigation --------------------------------------------------------

const VIEWS = { now: [showNow, 2000], devices: [showDevices, 30000],
	names: [showNames, 30000], stream: [null, 0],
	anomalies: [showAnomalies, 30000], dns: [showDns, 30000],
	history: [showHistory, 60000], exporters: [showExporters, 10000] };

// One refresh's timer at a time: a refresh that a newer one (a view
// shown, or its own timer) overtook while it waited sets none, so that a
// view left during its load does not re-draw the next view on its period.
async function refresh() {
	const view = state.view;
	const seq = ++state.refreshes;
	const [fn, every] = VIEWS[view];
	clearTimeout(state.timer);
	if (fn) {
		try {
			await fn();
			setStatus('');
		} catch (e) {
			setStatus(e.message);
		}
		document.getElementById('view-' + view).dataset.loaded =
		    String(Date.now());
	}
	if (seq !== state.refreshes)
		return;
	if (every)
		state.timer = setTimeout(refresh, every);
}

function show(view) {
	if (!(view in VIEWS))
		view = 'now';
	state.view = view;
	for (const s of document.querySelectorAll('.view'))
		s.hidden = s.id !== 'view-' + view;
	for (const b of document.querySelectorAll('#nav button'))
		b.classList.toggle('on', b.dataset.view === view);
	if (view === 'stream')
		startStream();
	refresh();
}

function init() {
	for (const b of document.querySelectorAll('#nav button'))
		b.addEventListener('click', () => {
			location.hash = b.dataset.view;
		});
	for (const b of document.querySelectorAll('[data-span]'))
		b.addEventListener('click', () => {
			state.span = b.dataset.span;
			refresh();
		});
	document.getElementById('history-device')
	    .addEventListener('change', refresh);
	document.getElementById('stream-pause').addEventListener('click',
	    (e) => {
		state.paused = !state.paused;
		e.target.textContent = state.paused ? 'Resume' : 'Pause';
	});
	document.getElementById('stream-device').addEventListener('change',
	    () => document.querySelector('#stream-table tbody')
		.replaceChildren());
	window.addEventListener('hashchange',
	    () => show(location.hash.slice(1)));
	show(location.hash.slice(1));
}

init();
