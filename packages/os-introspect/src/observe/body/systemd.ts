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
  // the journal format of `status` and prints the table).
  if (!json.ok && !/output|json/i.test(json.reason)) return { available: false, reason: json.reason, units: [] };
  const text = await probe('systemctl', [...LIST, '--no-legend', '--plain']);
  if (!text.ok) return { available: false, reason: text.reason, units: [] };
  const units = parseUnitsText(text.text);
  // Lines but not one unit: not a table of units, and not "no units" either.
  if (!units.length && text.text.trim()) return { available: false, reason: `systemctl list-units: unrecognised output: ${quoteLine(text.text)}`, units: [] };
  return { available: true, source: 'text', units };
}

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
  return units.sort((a, b) => a.name.localeCompare(b.name));
}

const UNIT_NAME = /^[^\s]+\.(service|timer|socket|mount|automount|swap|target|path|slice|scope|device)$/;

/**
 * Plain `systemctl list-units` lines. A failed or not-found unit is prefixed with a status
 * bullet (`●`, or `*` without UTF-8) that shifts the columns; anything before the unit name is
 * skipped, and the description is the rest of the line.
 */
export function parseUnitsText(text: string): Unit[] {
  const units: Unit[] = [];
  for (const line of text.split('\n')) {
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    const at = tokens.findIndex((t) => UNIT_NAME.test(t));
    if (at < 0 || at > 1 || tokens.length < at + 4) continue;
    const [name, load, active, sub, ...rest] = tokens.slice(at) as [string, string, string, string, ...string[]];
    units.push({ name, load, active, sub, ...(rest.length ? { description: rest.join(' ') } : {}) });
  }
  return units.sort((a, b) => a.name.localeCompare(b.name));
}
