import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ETC_DIR, resolveEtcDir, resolveMemoryDir } from './paths.js';

describe('resolveEtcDir', () => {
  it('takes --etc-dir, else AUTOPOIETIC_ETC_DIR, else /etc/autopoietic, against the working directory', () => {
    expect(resolveEtcDir({ etcDir: 'etc', env: { AUTOPOIETIC_ETC_DIR: '/x' }, cwd: '/w' })).toBe('/w/etc');
    expect(resolveEtcDir({ env: { AUTOPOIETIC_ETC_DIR: 'rel' }, cwd: '/w' })).toBe('/w/rel');
    expect(resolveEtcDir({ env: {}, cwd: '/w' })).toBe(DEFAULT_ETC_DIR);
  });

  it('treats an empty AUTOPOIETIC_ETC_DIR as unset, as the memory directory variable is (not as the working directory)', () => {
    expect(resolveEtcDir({ env: { AUTOPOIETIC_ETC_DIR: '' }, cwd: '/w' })).toBe(DEFAULT_ETC_DIR);
    const root = '/genome';
    expect(resolveMemoryDir({ root, env: { AUTOPOIETIC_MEMORY_DIR: '', AUTOPOIETIC_ETC_DIR: '/nonexistent-etc' }, cwd: '/w' }).dir).toBe(join(root, 'memory'));
  });
});
