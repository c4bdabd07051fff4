import { AosError } from './errors.js';

/**
 * Refuses to run a command from a working directory that no longer exists (removed after the
 * shell entered it, as a CI step's cleanup or `git worktree remove` can do). Every default place
 * (the genome root found upwards, the memory directory, relative flags) starts from it, and
 * Node's process.cwd() then throws: each CLI printed `error[internal]: ENOENT … uv_cwd`.
 * runProgram checks it before every command.
 */
export function refuseMissingWorkingDir(): void {
  try {
    process.cwd();
  } catch (e) {
    throw new AosError('cwd-missing', `the current directory no longer exists (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}): it was removed after this shell entered it`, {
      hint: 'cd into an existing directory (the genome, say) and run the command again.',
      cause: e,
    });
  }
}
