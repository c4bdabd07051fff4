import { createRequire } from 'node:module';
import type { Logger } from 'pino';

/**
 * Human logs go to stderr through pino: pretty on a terminal, JSON lines otherwise.
 * Created lazily so that `--help` does not pay for loading pino.
 * Level: AUTOPOIETIC_LOG_LEVEL (default "info"; "silent" turns logs off).
 */
let logger: Logger | undefined;

export function getLogger(): Logger {
  if (logger) return logger;
  const require = createRequire(import.meta.url);
  const pino = require('pino') as typeof import('pino');
  const level = process.env.AUTOPOIETIC_LOG_LEVEL ?? 'info';
  if (process.stderr.isTTY) {
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    // pino-pretty is CJS; its callable export is the module itself or its `default`.
    const make = ((pretty as unknown as { default?: typeof pretty }).default ?? pretty) as typeof pretty;
    const stream = make({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' });
    logger = pino.default({ level, base: null }, stream);
  } else {
    logger = pino.default({ level, base: null }, pino.destination({ dest: 2, sync: true }));
  }
  return logger;
}

/** Tests and embedders can replace the logger. */
export function setLogger(l: Logger | undefined): void {
  logger = l;
}
