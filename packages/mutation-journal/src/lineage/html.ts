import { PAGE_CSS, PAGE_SCRIPT } from './html-page.js';
import { layoutTree } from './layout.js';
import { STATUS_TONES, TONE_COLOURS, type LineageView } from './model.js';

/**
 * The view as one self-contained HTML file: inline style, inline script, inline SVG, the data as
 * embedded JSON, and a Content-Security-Policy that allows no network request at all. The script
 * draws the tree (each node with its status and reason), a detail panel with the node's evidence
 * links, and a filterable table of every record. Record text is only ever set as text, never as
 * markup, so a hostile reason string cannot inject anything.
 */
export function renderHtml(view: LineageView): string {
  const payload = { view, layout: layoutTree(view), colours: TONE_COLOURS, tones: STATUS_TONES };
  const counts = Object.entries(view.counts)
    .map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`)
    .join(', ');
  const sources = view.sources
    .map((s) => `<span class="source${s.status === 'ok' || s.status === 'missing' ? '' : ' bad'}" title="${attr(s.path)}">${text(`${basename(s.path)}: ${s.records} records, ${s.status}`)}</span>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Autopoietic OS lineage</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>Lineage</h1>
<div class="meta">${text(counts)} &middot; memory ${text(view.memory_dir)}</div>
<div class="sources">${sources}</div>
</header>
<main>
<div id="canvas"></div>
<aside id="detail"><p class="meta">Select a node to see its status, reason and evidence.</p></aside>
</main>
<section class="table">
<h2>All records</h2>
<input type="search" id="filter" placeholder="Filter by id, kind, status or reason" aria-label="Filter records">
<table id="records"><thead><tr><th>kind</th><th>id</th><th>status</th><th>reason</th><th>evidence</th></tr></thead><tbody id="records-body"></tbody></table>
</section>
<noscript><p class="empty">This page draws the lineage with JavaScript; the same data is in <code>mutation-journal lineage --format json</code>.</p></noscript>
<script type="application/json" id="lineage-data">${scriptJson(payload)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;');
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
