import { describe, expect, it } from 'vitest';
import { HostIdentity, HostPolicy } from '../schemas/host-policy.js';
import { checkHostIdentity, checkHostPolicy } from './host-policy-check.js';

// Documents as JSON text, so that what JSON.parse makes of them (1e999 is Infinity) is checked too.
const VALID = [
  '{"mode":"observe-only"}',
  '{"mode":"autopoiesis","memory_dir":"/var/lib/autopoietic","protected_paths":[]}',
  '{"mode":"mutate-vm","operator_checks":[{"name":"lint","command":"statix","args":["check"],"timeout_seconds":0.5}]}',
  '{"mode":"mutate-live","default_timeout_seconds":60,"check_timeouts":{"nix-flake-check":3600}}',
  '{"mode":"mutate-draft","operator_checks":[],"check_timeouts":{}}',
];

const INVALID = [
  'null',
  '[]',
  '"mutate-vm"',
  '{}',
  '{"mode":"yolo"}',
  '{"mode":"Mutate-VM"}',
  '{"mode":null}',
  '{"mode":"mutate-vm","version":2}',
  '{"mode":"mutate-vm","__proto__":{}}',
  '{"mode":"mutate-vm","memory_dir":7}',
  '{"mode":"mutate-vm","protected_paths":"secrets/"}',
  '{"mode":"mutate-vm","protected_paths":[1]}',
  '{"mode":"mutate-vm","operator_checks":{}}',
  '{"mode":"mutate-vm","operator_checks":[null]}',
  '{"mode":"mutate-vm","operator_checks":[{"name":" ","command":"x"}]}',
  '{"mode":"mutate-vm","operator_checks":[{"name":"a"}]}',
  '{"mode":"mutate-vm","operator_checks":[{"name":"a","command":"x","args":"-v"}]}',
  '{"mode":"mutate-vm","operator_checks":[{"name":"a","command":"x","timeout_seconds":0}]}',
  '{"mode":"mutate-vm","operator_checks":[{"name":"a","command":"x","shell":true}]}',
  '{"mode":"mutate-vm","default_timeout_seconds":-1}',
  '{"mode":"mutate-vm","default_timeout_seconds":"60"}',
  '{"mode":"mutate-vm","default_timeout_seconds":1e999}',
  '{"mode":"mutate-vm","check_timeouts":[]}',
  '{"mode":"mutate-vm","check_timeouts":{"a":0}}',
];

describe('checkHostPolicy', () => {
  it.each(VALID)('accepts %s, as the zod schema does', (text) => {
    expect(HostPolicy.safeParse(JSON.parse(text)).success).toBe(true);
    expect(checkHostPolicy(JSON.parse(text))).toEqual([]);
  });

  it.each(INVALID)('refuses %s, as the zod schema does', (text) => {
    expect(HostPolicy.safeParse(JSON.parse(text)).success).toBe(false);
    expect(checkHostPolicy(JSON.parse(text))).not.toEqual([]);
  });

  it('also refuses a relative memory_dir, which the schema cannot state', () => {
    expect(checkHostPolicy({ mode: 'mutate-vm', memory_dir: 'memory' })).toEqual(['memory_dir must be an absolute path']);
    expect(checkHostPolicy({ mode: 'mutate-vm', memory_dir: '' })).toEqual(['memory_dir must be an absolute path']);
  });

  it('names every problem with its field, and an unknown field as possibly newer', () => {
    expect(checkHostPolicy({ mode: 'yolo', default_timeout_seconds: 0, schema: 2 })).toEqual([
      'mode "yolo" is not a known mode (allowed: observe-only, mutate-draft, mutate-vm, mutate-live, autopoiesis)',
      'default_timeout_seconds must be a positive number',
      'unknown field schema (known: mode, memory_dir, protected_paths, operator_checks, default_timeout_seconds, check_timeouts; written for a newer version?)',
    ]);
    expect(checkHostPolicy({ mode: 'mutate-vm', operator_checks: [{ name: 'a', command: 'x' }, { name: 'b' }] })).toEqual(['operator_checks.1.command is missing']);
    expect(checkHostPolicy({})).toEqual(['mode is missing (allowed: observe-only, mutate-draft, mutate-vm, mutate-live, autopoiesis)']);
  });
});

describe('checkHostIdentity', () => {
  it.each(['{"host":"aion","roles":[]}', '{"host":"aion","roles":["web","db"]}'])('accepts %s, as the zod schema does', (text) => {
    expect(HostIdentity.safeParse(JSON.parse(text)).success).toBe(true);
    expect(checkHostIdentity(JSON.parse(text))).toEqual([]);
  });

  it.each(['null', '[]', '{}', '{"host":"aion"}', '{"host":"aion","roles":"web"}', '{"host":"aion","roles":["web",1]}', '{"host":7,"roles":[]}', '{"host":"aion","roles":[],"site":"x"}'])(
    'refuses %s, as the zod schema does',
    (text) => {
      expect(HostIdentity.safeParse(JSON.parse(text)).success).toBe(false);
      expect(checkHostIdentity(JSON.parse(text))).not.toEqual([]);
    },
  );

  it('also refuses a blank host, and names each problem', () => {
    expect(checkHostIdentity({ host: ' ', roles: 'web', site: 'x' })).toEqual([
      'host must be a non-blank string',
      'roles must be a list of strings',
      'unknown field site (known: host, roles; written for a newer version?)',
    ]);
  });
});
