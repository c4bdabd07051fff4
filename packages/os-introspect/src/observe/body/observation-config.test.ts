import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { readObservationConfig } from './observation-config.js';

describe('observation.json', () => {
  it('reads absolute project roots', async () => {
    const etc = tempDir();
    writeFileSync(join(etc, 'observation.json'), JSON.stringify({ project_roots: ['/home/user/projects'], include_shell_history_by_default: false }));
    expect(await readObservationConfig(etc)).toMatchObject({ present: true, valid: true, config: { project_roots: ['/home/user/projects'] } });
  });

  it('refuses an empty or relative project root, naming it, rather than take it against some directory', async () => {
    for (const [root, at] of [['', 'project_roots.0'], ['projects', 'project_roots.1'], ['./src', 'project_roots.1']] as const) {
      const etc = tempDir();
      const roots = at === 'project_roots.0' ? [root] : ['/srv/ok', root];
      writeFileSync(join(etc, 'observation.json'), JSON.stringify({ project_roots: roots, include_shell_history_by_default: true }));
      const read = await readObservationConfig(etc);
      expect(read, root).toEqual({ path: join(etc, 'observation.json'), present: true, valid: false, error: `does not match observation-config: ${at}: must be an absolute path (start with /)` });
    }
  });
});
