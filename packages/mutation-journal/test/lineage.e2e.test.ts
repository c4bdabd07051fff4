import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appendRecord } from '@autopoietic/core/ledger';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { IDS, writeKnownLedgers } from './lineage-fixtures.js';

const lineage = (mem: string, args: string[]) => runCli('mutation-journal', ['lineage', '--memory-dir', mem, ...args]);

async function known(): Promise<{ mem: string; view: any }> {
  const mem = tempDir();
  await writeKnownLedgers(mem);
  const r = lineage(mem, ['--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return { mem, view: r.json() };
}

const att = (id: string) => `attempt:${id}`;

describe('mutation-journal lineage --format json', () => {
  it('draws every record of the six ledgers as one graph, the attempt tree included', async () => {
    const { view } = await known();
    expect(view.counts).toEqual({ attempt: 4, mutation: 4, verification: 3, promotion: 1, generation: 2, effect: 1 });
    const edges = view.edges.map((e: any) => `${e.from} -${e.kind}-> ${e.to}`);
    expect(edges).toEqual(expect.arrayContaining([
      `${att(IDS.a1)} -parent-attempt-> ${att(IDS.a2)}`,
      `${att(IDS.a2)} -parent-attempt-> ${att(IDS.a3)}`,
      `${att(IDS.a2)} -parent-attempt-> ${att(IDS.b1)}`,
      `${att(IDS.a3)} -proposed-> mutation:${IDS.mut3}`,
      `mutation:${IDS.mut3} -verified-> verification:${IDS.ver3}`,
      `verification:${IDS.ver3} -promoted-> promotion:${IDS.pro3}`,
      `promotion:${IDS.pro3} -installed-> generation:gen-2`,
      'generation:gen-1 -parent-generation-> generation:gen-2',
      `generation:gen-2 -effect-> effect:${IDS.eff}`,
    ]));
    const byId = Object.fromEntries(view.nodes.map((n: any) => [n.id, n]));
    // A generation's planned then installed lines make one node with the later status.
    expect(byId['generation:gen-2']).toMatchObject({ status: 'installed', sources: [{ ledger: 'generations.jsonl', seq: 2 }, { ledger: 'generations.jsonl', seq: 3 }] });
    expect(byId[att(IDS.a3)].status).toBe('promoted');
    // A mutation with no journal line takes its latest gate status.
    expect(byId[`mutation:${IDS.mut2}`]).toMatchObject({ status: 'rejected', sources: [] });
    expect(byId[`verification:${IDS.ver2}`].links[0].href).toMatch(/^file:\/\/.*\.stderr\.log$/);
    expect(view.sources.map((s: any) => [s.kind, s.records, s.status])).toEqual([
      ['lineage', 4, 'ok'], ['mutations', 1, 'ok'], ['results', 3, 'ok'], ['promotions', 1, 'ok'], ['generations', 3, 'ok'], ['effects', 1, 'ok'],
    ]);
  });

  it('gives a node the status of its last record in the ledger, also when the clock went back between them', async () => {
    const mem = tempDir();
    const entry = (status: string, timestamp: string) => ({ schema_version: '0.1.0', mutation_id: 'mut-clock', timestamp, goal: 'g', status, phase: 'p', reason: status });
    await appendRecord(join(mem, 'mutations.jsonl'), 'mutation', entry('pending', '2026-03-01T10:00:00.000Z'));
    // Appended after, stamped an hour earlier: the host clock was set back in between.
    await appendRecord(join(mem, 'mutations.jsonl'), 'mutation', entry('accepted', '2026-03-01T09:00:00.000Z'));
    const r = lineage(mem, ['--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().nodes).toEqual([expect.objectContaining({ id: 'mutation:mut-clock', status: 'accepted', reason: 'accepted', sources: [{ ledger: 'mutations.jsonl', seq: 1 }, { ledger: 'mutations.jsonl', seq: 2 }] })]);
  });

  it('gives a mutation with no journal entry the status of its last P1 record, also when the clock went back between them', async () => {
    const mem = tempDir();
    const FP = (c: string) => `sha256:${c.repeat(64)}`;
    const p1 = (id: string, status: 'verified' | 'rejected', timestamp: string) => ({
      schema_version: '0.1.0', verification_id: id, timestamp, mutation_id: 'mut-implied', goal: 'g', phase: 'p', status, reason: status,
      proposal_fingerprint: FP('1'), root_fingerprint: FP('2'), changed_paths: [], checks: [],
    });
    await appendRecord(join(mem, 'mutation-results.jsonl'), 'mutation-result', p1('ver-1', 'rejected', '2026-03-01T10:00:00.000Z'));
    await appendRecord(join(mem, 'mutation-results.jsonl'), 'mutation-result', p1('ver-2', 'verified', '2026-03-01T09:00:00.000Z'));
    const r = lineage(mem, ['--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().nodes.find((n: any) => n.id === 'mutation:mut-implied')).toMatchObject({ status: 'verified', reason: 'P1 verified: verified', sources: [] });
  });

  it('is the same view every time, and an empty memory gives an empty view', async () => {
    const { mem, view } = await known();
    expect(lineage(mem, ['--format', 'json']).json()).toEqual(view);
    const empty = lineage(tempDir(), ['--format', 'json']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.json()).toMatchObject({ nodes: [], edges: [] });
  });
});

describe('mutation-journal lineage --format dot', () => {
  it('has one statement per node and per edge, and one cluster per evolve run', async () => {
    const { mem, view } = await known();
    const r = lineage(mem, ['--format', 'dot']);
    expect(r.code, r.stderr).toBe(0);
    const dot = r.stdout;
    expect(dot.startsWith('digraph lineage {\n')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    const nodeIds = [...dot.matchAll(/^\s+"([^"]+)" \[label=/gm)].map((m) => m[1]);
    expect(nodeIds.sort()).toEqual(view.nodes.map((n: any) => n.id).sort());
    const edges = [...dot.matchAll(/^\s+"([^"]+)" -> "([^"]+)" \[label="([^"]+)"/gm)].map((m) => `${m[1]}|${m[2]}|${m[3]}`);
    expect(edges.sort()).toEqual(view.edges.map((e: any) => `${e.from}|${e.to}|${e.kind}`).sort());
    expect([...dot.matchAll(/subgraph "cluster_(run-[^"]+)"/g)].map((m) => m[1])).toEqual([IDS.runA, IDS.runB]);
    expect(dot).toContain(`"${att(IDS.a1)}" [label="attempt: #1\\n${IDS.a1}\\nerror\\n`);
    expect(dot).toMatch(/"generation:gen-2" \[label="generation: gen-2\\ninstalled[^"]*", shape=box3d, fillcolor="#dcf5e3"/);
  });
});

describe('mutation-journal lineage --format html', () => {
  it('is one self-contained file: inline style and script, embedded data, no network', async () => {
    const { mem, view } = await known();
    const out = join(tempDir(), 'lineage.html');
    const r = lineage(mem, ['--format', 'html', '--output', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<link\b|\bsrc=|url\(|@import/i);
    const data = /<script type="application\/json" id="lineage-data">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(data!).view).toEqual(view);
    // The hostile reason is data, not markup.
    expect(html).not.toContain('<script>alert(1)</script>');
  });

  it('renders every node, its status, reason and evidence links in headless Chromium', async () => {
    const { mem, view } = await known();
    const artifacts = join(REPO_ROOT, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const page = join(artifacts, 'lineage.html');
    expect(lineage(mem, ['--format', 'html', '--output', page]).code).toBe(0);
    const url = pathToFileURL(page).href;

    const dom = chromium(['--dump-dom', url]);
    const nodes = [...dom.matchAll(/<g class="node[^"]*" data-id="([^"]+)" data-kind="([^"]+)" data-status="([^"]+)"/g)].map((m) => ({ id: m[1], kind: m[2], status: m[3] }));
    expect(nodes).toEqual(view.nodes.map((n: any) => ({ id: n.id, kind: n.kind, status: n.status })));
    expect(dom).toContain(`data-rendered="${view.nodes.length}"`);
    expect([...dom.matchAll(/<path class="edge (tree|cross)"/g)].length).toBe(view.edges.length);
    // The detail panel shows the first node, with its reason (escaped text) and evidence links.
    const detail = /<aside id="detail">(.*?)<\/aside>/s.exec(dom)?.[1] ?? '';
    expect(detail).toContain(`attempt ${IDS.a1}`);
    expect(detail).toContain('stdout is not JSON &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(detail).toMatch(/<a href="file:\/\/[^"]+handoff\.json" class="evidence">hand-off<\/a>/);
    // The table lists every record once.
    expect([...dom.matchAll(/<tr data-id="/g)].length).toBe(view.nodes.length);

    const shot = join(artifacts, 'lineage.png');
    chromium(['--hide-scrollbars', '--window-size=1400,1000', `--screenshot=${shot}`, url]);
    expect(readFileSync(shot).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  });
});

describe('mutation-journal lineage --format html: hostile paths in records', () => {
  it('links a proposal path that a browser would read as a javascript: URL as a file, not as script', async () => {
    const mem = tempDir();
    const FP = (c: string) => `sha256:${c.repeat(64)}`;
    // A URL parser drops leading spaces and every tab/newline, so ' java\tscript:' is a scheme.
    const paths = [' java\tscript:document.title=1', 'javascript:document.title=2', '\njavascript:document.title=3'];
    for (const [i, path] of paths.entries()) {
      await appendRecord(join(mem, 'mutation-results.jsonl'), 'mutation-result', {
        schema_version: '0.1.0', verification_id: `ver-20260102-03040${i}-${'2'.repeat(32)}`, timestamp: '2026-01-02T03:04:02.000Z',
        mutation_id: `mut-${i}`, goal: 'g', phase: 'evolve', status: 'rejected', reason: 'r', proposal_fingerprint: FP('1'), root_fingerprint: FP('2'),
        changed_paths: [], checks: [], proposal_path: path,
      });
    }
    const page = join(mem, 'lineage.html');
    expect(lineage(mem, ['--format', 'html', '--output', page]).code).toBe(0);
    const url = pathToFileURL(page).href;
    // Every node's links go into the table; each must resolve to a file: URL, as the browser reads it.
    const dom = chromium(['--dump-dom', url]);
    const hrefs = [...dom.matchAll(/<a href="([^"]*)" class="evidence">proposal<\/a>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(hrefs).toHaveLength(paths.length); // one table row each (the first node shown is a mutation)
    for (const h of hrefs) expect(new URL(h, url).protocol, h).toBe('file:');
  });
});

describe('mutation-journal lineage: bad input', () => {
  it('refuses an unknown format (exit 2) and writing the view over a ledger (exit 2, ledger intact)', async () => {
    const { mem } = await known();
    const bad = lineage(mem, ['--format', 'svg']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[format-unknown]');
    const ledger = join(mem, 'lineage.jsonl');
    const before = readFileSync(ledger);
    const over = lineage(mem, ['--format', 'json', '--output', ledger]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('error[output-is-input]');
    expect(readFileSync(ledger)).toEqual(before);
  });

  it('writes --output into a FIFO (as into a device) or through a symlink, instead of replacing them with a file', async () => {
    const { mem } = await known();
    // Renaming a temp file over /dev/null made it a regular file for the whole machine (as root).
    // A FIFO of its own takes the same path through writeOutputFile, and a regression of this
    // test then breaks nothing outside its temp dir.
    const fifo = join(mem, 'view.pipe');
    execFileSync('mkfifo', [fifo]);
    symlinkSync('view.pipe', join(mem, 'to-pipe'));
    const reader = spawn('cat', [fifo]);
    let piped = '';
    reader.stdout.on('data', (d: Buffer) => (piped += d.toString('utf8')));
    const done = new Promise((resolve) => reader.on('close', resolve));
    expect(lineage(mem, ['--format', 'dot', '--output', join(mem, 'to-pipe')]).code).toBe(0);
    await done;
    expect(piped).toMatch(/^digraph /);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync(join(mem, 'to-pipe')).isSymbolicLink()).toBe(true);
    writeFileSync(join(mem, 'real.dot'), 'old');
    symlinkSync('real.dot', join(mem, 'view.dot'));
    expect(lineage(mem, ['--format', 'dot', '--output', join(mem, 'view.dot')]).code).toBe(0);
    expect(lstatSync(join(mem, 'view.dot')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(mem, 'real.dot'), 'utf8')).toMatch(/^digraph /);
  });

  it('fails closed on a damaged ledger, naming the file and line', async () => {
    const { mem } = await known();
    const file = join(mem, 'mutation-results.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[0] = lines[0]!.replace('"rejected"', '"verified"'); // breaks the hash chain of the next line
    writeFileSync(file, lines.join('\n'));
    const r = lineage(mem, ['--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[ledger-broken]');
    expect(r.stderr).toContain(file);
  });

  it('refuses a journal flag naming another kind\'s ledger (exit 2, before reading), which was called damaged or, missing, drawn as empty', async () => {
    const { mem } = await known();
    const mutations = join(mem, 'mutations.jsonl');
    const wrong = lineage(mem, ['--promotion-journal', mutations, '--output', join(mem, 'view.html')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`error[ledger-kind-mismatch]: --promotion-journal ${mutations} is named as the mutation ledger, not the mutation-promotion ledger it reads\nhint: Point --promotion-journal at the mutation-promotions.jsonl ledger (or at a file of another name).`);
    const missing = lineage(mem, ['--verification-journal', join(tempDir(), 'organs.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[ledger-kind-mismatch]: --verification-journal ');
    expect(missing.stdout).toBe('');
    expect(lineage(mem, ['--mutation-journal', mutations]).code, 'its own file name is fine').toBe(0);
  });

  it('names the kind in the verify command of a damaged ledger of a name of its own, which verify cannot tell from the name', async () => {
    const { mem } = await known();
    const custom = join(tempDir(), 'p2.jsonl');
    writeFileSync(custom, readFileSync(join(mem, 'mutations.jsonl')));
    const r = lineage(mem, ['--promotion-journal', custom]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[ledger-broken]: ${custom}`);
    expect(r.stderr).toContain(`\`mutation-journal ledger verify --kind promotions --path ${custom}\``);
    const verify = runCli('mutation-journal', ['ledger', 'verify', '--kind', 'promotions', '--path', custom]);
    expect(verify.code, 'the command the hint spells finds the problem').toBe(1);
  });

  it('fails closed on a ledger whose last lines were cut off below its checkpoint, as `ledger verify` reports it', async () => {
    const { mem } = await known();
    const file = join(mem, 'mutations.jsonl');
    const cp = runCli('mutation-journal', ['ledger', 'checkpoint', '--path', file]);
    expect(cp.code, cp.stderr).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`); // still a valid, shorter chain
    const r = lineage(mem, ['--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[ledger-broken]: ${file}`);
    expect(r.stderr).toContain('lines were removed from the end');
  });

  it('draws a ledger with a torn last line, and says in the output that the line was left out', async () => {
    const { mem } = await known();
    const file = join(mem, 'mutations.jsonl');
    const n = readFileSync(file, 'utf8').trimEnd().split('\n').length;
    writeFileSync(file, '{"schema_version":"0.1.0","mut', { flag: 'a' });
    const r = lineage(mem, ['--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const source = JSON.parse(r.stdout).sources.find((s: { path: string }) => s.path === file);
    expect(source).toMatchObject({ status: 'torn-tail', records: n, problems: [expect.stringContaining(`line ${n + 1}:`)] });
  });
});

/**
 * Headless Chromium (Debian's `chromium`, installed by scripts/setup.sh; `CHROMIUM_BIN` names another
 * build, such as the Chrome on CI runners), with no network and a throwaway profile.
 */
function chromium(args: string[]): string {
  const profile = tempDir('aos-chromium-');
  const r = spawnSync(process.env.CHROMIUM_BIN ?? 'chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--user-data-dir=${profile}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (r.error) throw new Error(`cannot run chromium (${r.error.message}): run scripts/setup.sh, which installs it`);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}
