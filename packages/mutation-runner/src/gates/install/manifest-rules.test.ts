import { describe, expect, it } from 'vitest';
import { AosError } from '@autopoietic/core/cli-kit';
import { sha256 } from '@autopoietic/core/canonical';
import { checkManifest, seedBytes } from './manifest-rules.js';

function plan(files: Record<string, unknown>[], over: Record<string, unknown> = {}) {
  return { generation: {}, seed_manifest: { schema_version: '0.1.0', target_root: '/mnt', files, ...over } };
}
const good = { installed_path: '/etc/autopoietic/identity.json', target_path: '/mnt/etc/autopoietic/identity.json', content_sha256: sha256('x') };

function message(p: unknown): string {
  try {
    checkManifest(p, 'plan p.json');
  } catch (e) {
    expect(e).toBeInstanceOf(AosError);
    expect((e as AosError).exit).toBe(2);
    return (e as AosError).message;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('checkManifest', () => {
  it('accepts a well-formed manifest', () => {
    expect(() => checkManifest(plan([good]), 'plan p.json')).not.toThrow();
  });
  it.each([
    ['an empty manifest', plan([]), 'no files'],
    ['an unsupported schema_version', plan([good], { schema_version: '9.9.9' }), 'unsupported seed manifest schema_version "9.9.9"'],
    ['a malformed hash', plan([{ ...good, content_sha256: 'sha256:ABC' }]), 'content_sha256'],
    ['a relative installed path', plan([{ ...good, installed_path: 'etc/x' }]), 'installed_path "etc/x" must be an absolute path'],
    ['parent components', plan([{ ...good, installed_path: '/etc/../x', target_path: '/mnt/x' }]), 'parent components'],
    ['a relative target path', plan([{ ...good, target_path: 'mnt/etc/autopoietic/identity.json' }]), 'must be absolute'],
    ['a target path outside the root', plan([{ ...good, target_path: '/elsewhere/etc/autopoietic/identity.json' }]), 'outside the target root'],
    ['a target path that is not root + installed path', plan([{ ...good, target_path: '/mnt/etc/other.json' }]), 'does not match target_root + installed_path'],
    ['a relative target root', plan([good], { target_root: 'mnt' }), 'target_root must be an absolute path'],
    ['a duplicated seed path', plan([good, good]), 'appears twice'],
    [
      'a seed path inside another',
      plan([
        good,
        { ...good, installed_path: '/etc/autopoietic/identity.json-b', target_path: '/mnt/etc/autopoietic/identity.json-b' },
        { ...good, installed_path: '/etc/autopoietic/identity.json/x', target_path: '/mnt/etc/autopoietic/identity.json/x' },
      ]),
      'lies inside seed path /etc/autopoietic/identity.json',
    ],
    ['no manifest at all', { generation: {} }, 'not an install plan'],
  ])('rejects %s', (_name, p, expected) => {
    expect(message(p)).toContain(expected);
  });
});

describe('seedBytes', () => {
  it('decodes utf8 and base64 content and checks its hash', () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect(seedBytes({ installed_path: '/x', content: bytes.toString('base64'), content_encoding: 'base64', content_sha256: sha256(bytes) }, 'p')).toEqual(bytes);
    expect(() => seedBytes({ installed_path: '/x', content: 'y', content_encoding: 'utf8', content_sha256: sha256('x') }, 'p')).toThrow(/does not match its content_sha256/);
    expect(() => seedBytes({ installed_path: '/x', content: '%%%', content_encoding: 'base64', content_sha256: sha256('') }, 'p')).toThrow(/not valid base64/);
  });
});
