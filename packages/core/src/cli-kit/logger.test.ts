import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { getLogger, setLogger } from './logger.js';

const pinoLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\/]pino[\\/]pino\.js$/.test(k));
const saved = process.env.AUTOPOIETIC_LOG_LEVEL;

afterEach(() => {
  setLogger(undefined);
  if (saved === undefined) delete process.env.AUTOPOIETIC_LOG_LEVEL;
  else process.env.AUTOPOIETIC_LOG_LEVEL = saved;
});

describe('getLogger', () => {
  // In this order: the first test needs a process that has not loaded pino yet.
  it('does not load pino for messages below the configured level', () => {
    process.env.AUTOPOIETIC_LOG_LEVEL = 'error';
    const log = getLogger();
    log.debug({ a: 1 }, 'debug');
    log.info('info');
    log.warn({ b: 2 }, 'warn');
    expect([log.isLevelEnabled('debug'), log.isLevelEnabled('warn'), log.isLevelEnabled('error'), log.isLevelEnabled('fatal')]).toEqual([false, false, true, true]);
    expect(pinoLoaded()).toBe(false);
    process.env.AUTOPOIETIC_LOG_LEVEL = 'silent';
    setLogger(undefined);
    getLogger().fatal('nothing at silent');
    expect(getLogger().isLevelEnabled('fatal')).toBe(false);
    expect(pinoLoaded()).toBe(false);
  });

  it('loads pino for anything else, and is then pino', () => {
    process.env.AUTOPOIETIC_LOG_LEVEL = 'fatal';
    const log = getLogger();
    expect(log.level).toBe('fatal');
    expect(pinoLoaded()).toBe(true);
    expect(log.isLevelEnabled('error')).toBe(false);
    expect(log.child({ c: 3 }).level).toBe('fatal');
    log.level = 'error';
    expect(log.isLevelEnabled('error')).toBe(true);
  });

  it('rejects an unknown level, as pino does', () => {
    process.env.AUTOPOIETIC_LOG_LEVEL = 'chatty';
    expect(() => getLogger()).toThrow(/chatty/);
  });
});
