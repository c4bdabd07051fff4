import { createRequire } from 'node:module';
import type { Logger, LogFn } from 'pino';
import { terminalLine } from './terminal-text.js';

/**
 * Human logs go to stderr through pino: pretty on a terminal (in colour unless NO_COLOR is set), JSON lines otherwise.
 * Level: AUTOPOIETIC_LOG_LEVEL (default "info"; "silent" turns logs off).
 *
 * pino is loaded only when something is logged at an enabled level (about 20 ms of start-up):
 * `--help`, and commands that log nothing at the configured level, never load it. Until then
 * the logger is a stand-in whose disabled-level methods do nothing and that answers
 * `isLevelEnabled`; any other use loads pino.
 */
let logger: Logger | undefined;

const LEVELS: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export function getLogger(): Logger {
  logger ??= lazyLogger(process.env.AUTOPOIETIC_LOG_LEVEL ?? 'info');
  return logger;
}

/** Tests and embedders can replace the logger. */
export function setLogger(l: Logger | undefined): void {
  logger = l;
}

function lazyLogger(level: string): Logger {
  const threshold = level === 'silent' ? Number.POSITIVE_INFINITY : LEVELS[level];
  if (threshold === undefined) return createPino(level); // pino itself rejects an unknown level
  let real: Logger | undefined;
  const load = (): Logger => {
    real ??= createPino(level);
    return real;
  };
  const skip = () => undefined;
  return new Proxy({} as Logger, {
    get(_target, prop) {
      const rank = typeof prop === 'string' ? LEVELS[prop] : undefined;
      if (real === undefined && rank !== undefined && rank < threshold) return skip;
      // Asked before every debug trace: answered without pino (a run that logs nothing never loads it).
      if (real === undefined && prop === 'isLevelEnabled') return (l: string) => (LEVELS[l] ?? Number.POSITIVE_INFINITY) >= threshold;
      const l = load();
      const value: unknown = Reflect.get(l, prop, l);
      return typeof value === 'function' ? value.bind(l) : value;
    },
    set: (_target, prop, value) => Reflect.set(load(), prop, value),
    has: (_target, prop) => Reflect.has(load(), prop),
  });
}

function createPino(level: string): Logger {
  const require = createRequire(import.meta.url);
  const pino = require('pino') as typeof import('pino');
  if (process.stderr.isTTY) {
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    // pino-pretty is CJS; its callable export is the module itself or its `default`.
    const make = ((pretty as unknown as { default?: typeof pretty }).default ?? pretty) as typeof pretty;
    // NO_COLOR (no-color.org): set and not empty, the terminal gets no colours.
    const stream = make({ destination: 2, sync: true, colorize: !process.env.NO_COLOR, ignore: 'pid,hostname' });
    const hooks = { logMethod: onTerminal };
    return pino.default({ level, base: null, hooks }, stream);
  }
  return pino.default({ level, base: null }, pino.destination({ dest: 2, sync: true }));
}

/**
 * pino-pretty writes a message as it is (and a field's string with C1 and bidi characters raw):
 * a log line quoting a check name or a generator's stderr ran its ESC [2J, or its CR or newline
 * drew a line of the author's choosing. On a terminal every string logged goes through
 * terminalLine first; the JSON lines written elsewhere are escaped by JSON itself.
 */
function onTerminal(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  method.apply(this, args.map((a) => safeForTerminal(a, 0)) as Parameters<LogFn>);
}

function safeForTerminal(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return terminalLine(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => safeForTerminal(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value; // errors and the like: pino's serializers
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [terminalLine(k), safeForTerminal(v, depth + 1)]));
}
