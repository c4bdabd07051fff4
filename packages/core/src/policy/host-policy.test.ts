import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { setLogger } from '../cli-kit/logger.js';
import { AUTONOMY_MODES, type AutonomyMode } from '../schemas/common.js';
import { hostPolicyPath, loadHostPolicy, modeAtLeast, requireMode } from './host-policy.js';
import { aosErrorOf } from '../../../../tests/support/errors.js';

function etcWith(content: string | undefined): string {
  const etc = tempDir();
  if (content !== undefined) writeFileSync(join(etc, 'mutation-runner.json'), content);
  return etc;
}

function captureWarnings(): string[] {
  const seen: string[] = [];
  setLogger({ warn: (_obj: unknown, msg: string) => seen.push(msg) } as unknown as Logger);
  return seen;
}

afterEach(() => setLogger(undefined));

describe('modeAtLeast', () => {
  it('orders the ladder observe-only < mutate-draft < mutate-vm < mutate-live < autopoiesis', () => {
    expect(AUTONOMY_MODES).toEqual(['observe-only', 'mutate-draft', 'mutate-vm', 'mutate-live', 'autopoiesis']);
    AUTONOMY_MODES.forEach((mode, i) => {
      AUTONOMY_MODES.forEach((minimum, j) => {
        expect(modeAtLeast(mode, minimum)).toBe(i >= j);
      });
    });
  });
});

describe('loadHostPolicy', () => {
  it('reads <etc dir>/mutation-runner.json, from the option or AUTOPOIETIC_ETC_DIR', () => {
    const etc = etcWith(JSON.stringify({ mode: 'mutate-vm', protected_paths: ['secrets/'] }));
    expect(loadHostPolicy({ etcDir: etc })).toEqual({
      file: join(etc, 'mutation-runner.json'),
      present: true,
      policy: { mode: 'mutate-vm', protected_paths: ['secrets/'] },
    });
    expect(loadHostPolicy({ env: { AUTOPOIETIC_ETC_DIR: etc } }).policy?.mode).toBe('mutate-vm');
    expect(hostPolicyPath({ env: {} })).toBe('/etc/autopoietic/mutation-runner.json');
  });

  it('reports a missing file as not present', () => {
    const etc = etcWith(undefined);
    expect(loadHostPolicy({ etcDir: etc })).toEqual({ file: join(etc, 'mutation-runner.json'), present: false });
  });

  it('refuses malformed JSON with the file name and a hint (exit 1)', () => {
    const etc = etcWith('{"mode": "mutate-vm",');
    const err = aosErrorOf(() => loadHostPolicy({ etcDir: etc }));
    expect(err.code).toBe('host-policy-invalid');
    expect(err.exit).toBe(1);
    expect(err.message).toContain(join(etc, 'mutation-runner.json'));
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.hint).toMatch(/etc-dir/);
  });

  it('refuses an unknown mode, naming the file, the value and the allowed modes', () => {
    const etc = etcWith(JSON.stringify({ mode: 'yolo' }));
    const err = aosErrorOf(() => loadHostPolicy({ etcDir: etc }));
    expect(err.code).toBe('host-policy-invalid');
    expect(err.message).toContain(join(etc, 'mutation-runner.json'));
    expect(err.message).toContain('"yolo" is not a known mode');
    expect(err.message).toContain('observe-only, mutate-draft, mutate-vm, mutate-live, autopoiesis');
  });

  it('refuses a missing mode and unknown or mistyped fields', () => {
    expect(() => loadHostPolicy({ etcDir: etcWith('{}') })).toThrow(/mode is missing/);
    expect(() => loadHostPolicy({ etcDir: etcWith(JSON.stringify({ mode: 'mutate-vm', modes: 1 })) })).toThrow(/invalid.*modes/);
    expect(() => loadHostPolicy({ etcDir: etcWith(JSON.stringify({ mode: 'mutate-vm', default_timeout_seconds: -1 })) })).toThrow(
      /default_timeout_seconds/,
    );
  });

  it('refuses an unreadable policy path instead of treating it as absent', () => {
    const etc = tempDir();
    mkdirSync(join(etc, 'mutation-runner.json'));
    const err = aosErrorOf(() => loadHostPolicy({ etcDir: etc }));
    expect(err.code).toBe('host-policy-unreadable');
    expect(err.message).toBe(`cannot read host policy ${join(etc, 'mutation-runner.json')}: not a regular file (a directory)`);
  });

  it('refuses a policy that is a link to nothing, or in a directory that is one, instead of reading it as absent (no limits)', () => {
    const etc = tempDir();
    symlinkSync(join(etc, 'gone.json'), join(etc, 'mutation-runner.json'));
    const err = aosErrorOf(() => loadHostPolicy({ etcDir: etc }));
    expect(err.code).toBe('host-policy-unreadable');
    expect(err.exit).toBe(1);
    expect(err.message).toBe(`cannot read host policy ${join(etc, 'mutation-runner.json')}: ${join(etc, 'mutation-runner.json')} is a symbolic link to nothing`);
    const parent = tempDir();
    symlinkSync(join(parent, 'gone'), join(parent, 'etc'));
    expect(aosErrorOf(() => loadHostPolicy({ etcDir: join(parent, 'etc') })).message).toBe(
      `cannot read host policy ${join(parent, 'etc', 'mutation-runner.json')}: ${join(parent, 'etc')} is a symbolic link to nothing`,
    );
    // A link to an existing directory without the file is still no policy.
    symlinkSync(tempDir(), join(parent, 'empty'));
    expect(loadHostPolicy({ etcDir: join(parent, 'empty') }).present).toBe(false);
  });

  it('refuses a key given twice, which JSON.parse would read as its last value and other readers as its first', () => {
    const err = aosErrorOf(() => loadHostPolicy({ etcDir: etcWith('{"mode":"observe-only","mode":"autopoiesis"}') }));
    expect(err.code).toBe('host-policy-invalid');
    expect(err.message).toContain('key "mode" is given twice in the top-level object');
    expect(() => loadHostPolicy({ etcDir: etcWith('{"mode":"mutate-vm","protected_paths":[],"protected_paths":[]}') })).toThrow(/"protected_paths" is given twice/);
  });

  it('refuses a policy that links to /dev/zero at once, instead of reading it for ever', () => {
    const etc = tempDir();
    symlinkSync('/dev/zero', join(etc, 'mutation-runner.json'));
    expect(aosErrorOf(() => loadHostPolicy({ etcDir: etc })).message).toBe(`cannot read host policy ${join(etc, 'mutation-runner.json')}: not a regular file (a device, FIFO or socket)`);
  });
});

describe('loadHostPolicy: who may have written it, and how', () => {
  it('refuses a policy another user could have written, naming the file or directory and the fix (exit 1)', () => {
    const etc = etcWith(JSON.stringify({ mode: 'autopoiesis' }));
    const file = join(etc, 'mutation-runner.json');
    chmodSync(file, 0o666);
    const err = aosErrorOf(() => loadHostPolicy({ etcDir: etc }));
    expect(err.code).toBe('host-policy-untrusted');
    expect(err.exit).toBe(1);
    expect(err.message).toBe(`host policy ${file} could have been written by another user: file ${file} is writable by every user (mode 0666)`);
    expect(err.hint).toMatch(new RegExp(`^Remove that write permission: \`chmod o-w ${file}\`\\. .*like sudo with sudo\\.conf and ssh with ~/\\.ssh/config`));
    chmodSync(file, 0o644);
    expect(loadHostPolicy({ etcDir: etc }).policy?.mode).toBe('autopoiesis');
    chmodSync(etc, 0o777);
    expect(aosErrorOf(() => loadHostPolicy({ etcDir: etc })).message).toBe(`host policy ${file} could have been written by another user: directory ${etc} is writable by every user (mode 0777)`);
  });

  it('does not read a missing policy as "no limits" when another user could have removed it', () => {
    const etc = etcWith(undefined);
    chmodSync(etc, 0o777);
    const err = aosErrorOf(() => loadHostPolicy({ etcDir: etc }));
    expect(err.code).toBe('host-policy-untrusted');
    expect(err.message).toBe(`no host policy at ${join(etc, 'mutation-runner.json')}, but another user could have removed it: directory ${etc} is writable by every user (mode 0777)`);
    chmodSync(etc, 0o1777);
    expect(loadHostPolicy({ etcDir: etc }).present).toBe(false);
  });

  it('refuses a byte-order mark, as every JSON input of the project does, with the command that removes it', () => {
    const etc = etcWith(`\uFEFF${JSON.stringify({ mode: 'mutate-vm' })}`);
    const file = join(etc, 'mutation-runner.json');
    const err = aosErrorOf(() => loadHostPolicy({ etcDir: etc }));
    expect(err.code).toBe('host-policy-invalid');
    expect(err.exit).toBe(1);
    expect(err.message).toBe(`host policy ${file} starts with a byte-order mark (U+FEFF), which JSON does not allow: an editor saved it as 'UTF-8 with BOM'`);
    expect(err.hint).toContain(`Remove the BOM with \`sed -i '1s/^\\xEF\\xBB\\xBF//' ${file}\` (it deletes only those 3 bytes).`);
    // A BOM anywhere else is a character inside JSON text, which the schema judges.
    expect(() => loadHostPolicy({ etcDir: etcWith(`{"mode":"\uFEFFmutate-vm"}`) })).toThrow(/is not a known mode/);
  });
});

describe('requireMode', () => {
  const actions: [string, AutonomyMode][] = [
    ['verify', 'mutate-draft'],
    ['promote', 'mutate-vm'],
    ['install-apply', 'mutate-live'],
  ];

  for (const mode of AUTONOMY_MODES) {
    it(`in ${mode}, allows exactly the actions at or below it`, () => {
      const loaded = loadHostPolicy({ etcDir: etcWith(JSON.stringify({ mode })) });
      for (const [action, minimum] of actions) {
        if (modeAtLeast(mode, minimum)) {
          expect(() => requireMode(loaded, minimum, action)).not.toThrow();
        } else {
          const err = aosErrorOf(() => requireMode(loaded, minimum, action));
          expect(err.code).toBe('mode-forbidden');
          expect(err.exit).toBe(1);
          expect(err.message).toBe(`${action} needs autonomy mode ${minimum} or higher, but host policy ${loaded.file} sets mode ${mode}`);
          expect(err.hint).toMatch(/Nothing was run or journaled/);
        }
      }
    });
  }

  it('allows any action with no policy file, and logs that it did', () => {
    const warnings = captureWarnings();
    const loaded = loadHostPolicy({ etcDir: etcWith(undefined) });
    expect(() => requireMode(loaded, 'autopoiesis', 'install-apply')).not.toThrow();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`no host policy at ${loaded.file}: allowing install-apply`);
  });
});

