import { buildProgram as journal } from '@autopoietic/mutation-journal';
import { buildProgram as runner } from '@autopoietic/mutation-runner';
import { buildProgram as introspect } from '@autopoietic/os-introspect';

/**
 * The CLI reference in README.md, rendered from the commander programs themselves: each
 * command's text is exactly what `<cli> <command> --help` prints, so the two cannot drift.
 */
/** A commander program (the type comes from a CLI package, so scripts need no commander dependency). */
type Command = ReturnType<typeof journal>;

export const START = '<!-- cli-reference:start -->';
export const END = '<!-- cli-reference:end -->';

export function renderCliReference(): string {
  const parts: string[] = [];
  for (const program of [introspect(), journal(), runner()]) walk(program, [], parts);
  return parts.join('\n');
}

function walk(cmd: Command, path: string[], out: string[]): void {
  const name = [...path, cmd.name()].join(' ');
  // Render at the width the bins use when stdout is not a terminal, whatever runs this.
  cmd.configureHelp({ ...cmd.configureHelp(), helpWidth: 80 });
  out.push(`### \`${name}\``, '', '```text', cmd.helpInformation().trimEnd(), '```', '');
  for (const sub of cmd.commands) {
    if ((sub as unknown as { _hidden?: boolean })._hidden) continue;
    walk(sub, [...path, cmd.name()], out);
  }
}

/** README text with the reference block replaced. */
export function withCliReference(readme: string): string {
  const s = readme.indexOf(START);
  const e = readme.indexOf(END);
  if (s < 0 || e < s) throw new Error(`README.md has no ${START} ... ${END} block`);
  return `${readme.slice(0, s + START.length)}\n${renderCliReference()}${readme.slice(e)}`;
}
