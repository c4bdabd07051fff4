/**
 * The static parts of the HTML view: its style sheet and the script that draws the tree at load
 * time. They are plain strings (no template interpolation), so the page is one file with no
 * network access: the Content-Security-Policy in the page forbids any fetch.
 */
export const PAGE_CSS = `
:root { --fg:#1f2933; --muted:#616e7c; --line:#9aa5b1; --bg:#ffffff; --panel:#f5f7fa; }
* { box-sizing: border-box; }
body { margin:0; font:13px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color:var(--fg); background:var(--bg); }
header { padding:12px 18px; border-bottom:1px solid #e4e7eb; }
header h1 { font-size:17px; margin:0 0 4px; }
.meta { color:var(--muted); }
.sources { display:flex; flex-wrap:wrap; gap:6px; margin-top:6px; }
.source { padding:2px 8px; border-radius:10px; background:var(--panel); border:1px solid #e4e7eb; }
.source.bad { background:#fbe0e0; border-color:#b42318; }
main { display:flex; align-items:flex-start; }
#canvas { flex:1; min-width:0; overflow:auto; padding:12px; min-height:200px; }
#detail { width:360px; flex:none; position:sticky; top:0; max-height:100vh; overflow:auto; padding:14px 16px; background:var(--panel); border-left:1px solid #e4e7eb; }
#detail h2 { font-size:15px; margin:0 0 6px; word-break:break-all; }
#detail dl { display:grid; grid-template-columns:max-content 1fr; gap:3px 10px; margin:8px 0; }
#detail dt { color:var(--muted); }
#detail dd { margin:0; word-break:break-all; }
#detail ul { padding-left:18px; margin:4px 0; }
.node { cursor:pointer; }
.node rect { rx:7; ry:7; stroke-width:1.5; }
.node.selected rect { stroke-width:3.5; }
.node text { font-size:11px; fill:var(--fg); pointer-events:none; }
.node text.kind { font-weight:600; }
.node text.reason { fill:var(--muted); }
.edge { fill:none; stroke:var(--line); stroke-width:1.4; }
.edge.cross { stroke-dasharray:5 4; }
.pill { display:inline-block; padding:1px 8px; border-radius:9px; border:1px solid; font-weight:600; }
section.table { padding:6px 18px 24px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:4px 8px; border-bottom:1px solid #e4e7eb; vertical-align:top; }
td.reason { color:var(--muted); max-width:520px; }
input[type=search] { padding:4px 8px; width:280px; margin:6px 0; }
.empty { padding:24px; color:var(--muted); }
`;

export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lineage-data').textContent);
  var view = data.view, layout = data.layout, colours = data.colours, tones = data.tones;
  var SVG = 'http://www.w3.org/2000/svg';
  var W = 230, H = 66, GX = 70, GY = 18, PAD = 10;
  var byId = {};
  view.nodes.forEach(function (n) { byId[n.id] = n; });

  function tone(status) { return colours[tones[status] || 'neutral']; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function cut(s, n) { return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }
  // Judged by the browser's own URL parser, through an anchor (it drops the spaces, tabs and
  // newlines that a pattern over the text would see before a scheme).
  function safeHref(h) {
    var a = document.createElement('a');
    a.href = h;
    return /^(file|https?):$/.test(a.protocol) ? h : '#';
  }
  function pos(id) { var p = layout.places[id]; return { x: PAD + p.col * (W + GX), y: PAD + p.row * (H + GY) }; }
  function pill(status) {
    var c = tone(status);
    return el('span', { class: 'pill', style: 'background:' + c.fill + ';border-color:' + c.stroke + ';color:' + c.stroke }, status);
  }

  function drawTree() {
    var host = document.getElementById('canvas');
    if (view.nodes.length === 0) { host.appendChild(el('p', { class: 'empty' }, 'The ledgers hold no records yet.')); return; }
    var root = svg('svg', { id: 'tree', width: PAD * 2 + layout.cols * (W + GX), height: PAD * 2 + layout.rows * (H + GY), role: 'img' });
    root.appendChild(svg('title', {}, 'Lineage tree'));
    function edge(e, cls) {
      var a = pos(e.from), b = pos(e.to);
      var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
      var p = svg('path', { class: cls, d: 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2, 'data-kind': e.kind });
      p.appendChild(svg('title', {}, e.kind));
      root.appendChild(p);
    }
    layout.tree.forEach(function (e) { edge(e, 'edge tree'); });
    layout.cross.forEach(function (e) { edge(e, 'edge cross'); });
    view.nodes.forEach(function (n) {
      var p = pos(n.id), c = tone(n.status);
      var g = svg('g', { class: 'node', 'data-id': n.id, 'data-kind': n.kind, 'data-status': n.status, transform: 'translate(' + p.x + ',' + p.y + ')', tabindex: '0' });
      g.appendChild(svg('title', {}, n.kind + ' ' + n.record_id + ': ' + n.status + (n.reason ? ' \u2014 ' + n.reason : '')));
      g.appendChild(svg('rect', { width: W, height: H, fill: c.fill, stroke: c.stroke }));
      g.appendChild(svg('text', { class: 'kind', x: 8, y: 16 }, cut(n.kind + ' \u00b7 ' + n.label, 38)));
      g.appendChild(svg('text', { class: 'status', x: 8, y: 34, fill: c.stroke }, cut(n.status, 38)));
      g.appendChild(svg('text', { class: 'reason', x: 8, y: 52 }, cut(n.reason, 40)));
      g.addEventListener('click', function () { select(n.id, true); });
      g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') select(n.id, true); });
      root.appendChild(g);
    });
    host.appendChild(root);
  }

  function linkList(links) {
    var ul = el('ul');
    links.forEach(function (l) {
      var li = el('li');
      var a = el('a', { href: safeHref(l.href), class: 'evidence' }, l.label);
      li.appendChild(a);
      if (l.digest) li.appendChild(el('span', { class: 'meta' }, ' ' + l.digest.slice(0, 19) + '\u2026'));
      ul.appendChild(li);
    });
    return ul;
  }

  function select(id, updateHash) {
    var n = byId[id];
    if (!n) return;
    var panel = document.getElementById('detail');
    panel.textContent = '';
    panel.appendChild(el('h2', {}, n.kind + ' ' + n.record_id));
    panel.appendChild(pill(n.status));
    panel.appendChild(el('p', { class: 'reason' }, n.reason || '(no reason recorded)'));
    var dl = el('dl');
    dl.appendChild(el('dt', {}, 'time')); dl.appendChild(el('dd', {}, n.timestamp || '(unknown)'));
    n.details.forEach(function (d) { dl.appendChild(el('dt', {}, d[0])); dl.appendChild(el('dd', {}, d[1])); });
    dl.appendChild(el('dt', {}, 'ledger lines'));
    dl.appendChild(el('dd', {}, n.sources.map(function (s) { return s.ledger + ' #' + s.seq; }).join(', ') || '(implied)'));
    panel.appendChild(dl);
    panel.appendChild(el('h3', {}, 'Evidence'));
    panel.appendChild(n.links.length ? linkList(n.links) : el('p', { class: 'meta' }, 'No evidence links on this record.'));
    document.querySelectorAll('.node.selected').forEach(function (x) { x.classList.remove('selected'); });
    var g = document.querySelector('.node[data-id="' + CSS.escape(id) + '"]');
    if (g) { g.classList.add('selected'); if (g.scrollIntoView) g.scrollIntoView({ block: 'nearest', inline: 'nearest' }); }
    if (updateHash && location.hash !== '#' + id) history.replaceState(null, '', '#' + id);
  }

  function drawTable() {
    var body = document.getElementById('records-body');
    view.nodes.forEach(function (n) {
      var tr = el('tr', { 'data-id': n.id, 'data-search': (n.kind + ' ' + n.record_id + ' ' + n.status + ' ' + n.reason).toLowerCase() });
      var idCell = el('td');
      idCell.appendChild(el('a', { href: '#' + n.id }, n.record_id));
      tr.appendChild(el('td', {}, n.kind));
      tr.appendChild(idCell);
      var st = el('td'); st.appendChild(pill(n.status)); tr.appendChild(st);
      tr.appendChild(el('td', { class: 'reason' }, n.reason));
      var ev = el('td'); if (n.links.length) ev.appendChild(linkList(n.links)); tr.appendChild(ev);
      body.appendChild(tr);
    });
    document.getElementById('filter').addEventListener('input', function (ev) {
      var q = ev.target.value.toLowerCase();
      body.querySelectorAll('tr').forEach(function (tr) { tr.hidden = q !== '' && tr.getAttribute('data-search').indexOf(q) < 0; });
    });
  }

  drawTree();
  drawTable();
  window.addEventListener('hashchange', function () { select(decodeURIComponent(location.hash.slice(1)), false); });
  var first = location.hash ? decodeURIComponent(location.hash.slice(1)) : (view.nodes[0] && view.nodes[0].id);
  if (first) select(first, false);
  document.body.setAttribute('data-rendered', String(view.nodes.length));
})();
`;
