import { byCodeUnit } from '@autopoietic/core/canonical';
import type { BodyState } from '@autopoietic/core/schemas';
import { probe } from './run.js';

type Systemd = BodyState['systemd'];
type Unit = Systemd['units'][number];

const LIST = ['list-units', '--all', '--type=service,timer', '--no-pager'];

/** systemd units: JSON output where systemctl supports it (systemd 246+), else robust text parsing. */
export async function observeSystemd(): Promise<Systemd> {
  const json = await probe('systemctl', [...LIST, '--output=json']);
  if (json.ok) {
    const units = parseUnitsJson(json.text);
    if (units) return { available: true, source: 'json', units };
  }
  // Fall back to text when this systemctl does not know --output=json (systemd < 246 takes it as
  // the journal format of `status` and prints the table). The legend is kept: its header says
  // where the columns are, and whether there is a JOB column (see parseUnitsText); --full keeps
  // names and descriptions whole.
  if (!json.ok && !/output|json/i.test(json.reason)) return { available: false, reason: json.reason, units: [] };
  const text = await probe('systemctl', [...LIST, '--plain', '--full']);
  if (!text.ok) return { available: false, reason: text.reason, units: [] };
  return unitsFromText(text.text);
}

/** The probe's answer from the plain text: lines but not one unit are not a table of units, and not "no units" either. */
export function unitsFromText(text: string): Systemd {
  const units = parseUnitsText(text);
  if (!units.length && text.trim() && !NO_UNITS.test(text)) return { available: false, reason: `systemctl list-units: unrecognised output: ${quoteLine(text)}`, units: [] };
  return { available: true, source: 'text', units };
}

/** The legend's count when there is no unit (systemd before 240 prints no header then). */
const NO_UNITS = /^0 loaded units listed\./m;

/** The first non-blank line of an output, shortened, for a reason. */
function quoteLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim())!.trim();
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

/** `[{ "unit": "a.service", "load": "loaded", "active": "active", "sub": "running", "description": "…" }]` */
export function parseUnitsJson(text: string): Unit[] | undefined {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(rows)) return undefined;
  const units: Unit[] = [];
  for (const r of rows as Record<string, unknown>[]) {
    const name = r?.unit;
    if (typeof name !== 'string') continue;
    const s = (k: string): string => (typeof r[k] === 'string' ? (r[k] as string) : 'unknown');
    units.push({ name, load: s('load'), active: s('active'), sub: s('sub'), ...(typeof r.description === 'string' ? { description: r.description } : {}) });
  }
  // Rows, but none with a unit name: some other JSON, not an empty list of units.
  if (rows.length && !units.length) return undefined;
  return sortUnits(units);
}

const UNIT_NAME = /^[^\s]+\.(service|timer|socket|mount|automount|swap|target|path|slice|scope|device)$/;

/** The header of the table, with a JOB column when some unit has a pending job. */
const HEADER = /^\s*UNIT\s+LOAD\s+ACTIVE\s+SUB\s+(JOB\s+)?DESCRIPTION\s*$/;

type Columns = { LOAD: number; ACTIVE: number; SUB: number; JOB?: number; DESCRIPTION: number };

/**
 * Plain `systemctl list-units` output. With its legend, the header says where each column starts
 * (each cell is padded to its column's width, in systemd's printf table before 240 and its table
 * formatter after), and whether the JOB column is there: systemctl adds it when some unit has a
 * pending job, and leaves the cell blank for the others, so `foo.service loaded inactive dead
 * start Foo` is a start job and the description `Foo`, which split words cannot tell. Rows end at
 * the blank line before the legend (LOAD = …) and the count.
 *
 * Without a header (`--no-legend`), each line is split into words: a failed or not-found unit may
 * carry a status bullet (`●`, or `*` without UTF-8) that shifts the columns, so anything before
 * the unit name is skipped, and the description is the rest of the line.
 */
export function parseUnitsText(text: string): Unit[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const at = lines.findIndex((l) => HEADER.test(l));
  if (at < 0) return sortUnits(lines.flatMap((l) => wordRow(l) ?? []));
  const columns = headerColumns(lines[at]!);
  const units: Unit[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.trim()) break;
    const unit = columnRow(line, columns) ?? wordRow(line);
    if (unit) units.push(unit);
  }
  return sortUnits(units);
}

function headerColumns(header: string): Columns {
  const at: Record<string, number> = {};
  for (const m of header.matchAll(/\S+/g)) at[m[0]] = m.index;
  return at as Columns;
}

/** A row cut at the header's columns; undefined when a cell does not start where its column does. */
function columnRow(line: string, c: Columns): Unit | undefined {
  const starts = [c.LOAD, c.ACTIVE, c.SUB, c.JOB, c.DESCRIPTION].filter((n): n is number => n !== undefined);
  if (starts.some((n) => line.length > n && line[n - 1] !== ' ')) return undefined;
  const cell = (from: number, to?: number) => line.slice(from, to).trim();
  const name = cell(0, c.LOAD).replace(/^[●*]\s+/, '');
  const [load, active, sub] = [cell(c.LOAD, c.ACTIVE), cell(c.ACTIVE, c.SUB), cell(c.SUB, c.JOB ?? c.DESCRIPTION)];
  if (!UNIT_NAME.test(name) || ![load, active, sub].every((v) => /^\S+$/.test(v))) return undefined;
  const description = cell(c.DESCRIPTION);
  return { name, load, active, sub, ...(description ? { description } : {}) };
}

/** A row read word by word: a unit name as the first or second word, then load, active and sub states. */
function wordRow(line: string): Unit | undefined {
  const tokens = line.trim().split(/\s+/).filter(Boolean);
  const at = tokens.findIndex((t) => UNIT_NAME.test(t));
  if (at < 0 || at > 1 || tokens.length < at + 4) return undefined;
  const [name, load, active, sub, ...rest] = tokens.slice(at) as [string, string, string, string, ...string[]];
  return { name, load, active, sub, ...(rest.length ? { description: rest.join(' ') } : {}) };
}

function sortUnits(units: Unit[]): Unit[] {
  return units.sort((a, b) => byCodeUnit(a.name, b.name));
}
