/**
 * A unified diff of one file's change, in the `git diff` format that `git apply` (and so P1
 * verify) accepts. The rule-based generator makes one contiguous edit per file, so one hunk
 * (the changed lines between the longest common prefix and suffix, with context) is exact.
 */

/** Lines with their terminators kept, so that a missing final newline is a difference too. */
function splitLines(text) {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

function render(prefix, line) {
  return line.endsWith('\n') ? `${prefix}${line}` : `${prefix}${line}\n\\ No newline at end of file\n`;
}

/**
 * @param {string} path  path relative to the genome root, `/`-separated
 * @param {string} before
 * @param {string} after
 * @param {number} [context]
 * @returns {string} the diff, or '' when nothing changed
 */
export function unifiedDiff(path, before, after, context = 3) {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;

  const start = Math.max(0, prefix - context);
  const tail = Math.min(suffix, context);
  const oldEnd = a.length - suffix + tail;
  const newEnd = b.length - suffix + tail;
  const oldLen = oldEnd - start;
  const newLen = newEnd - start;
  const lines = [];
  for (let i = start; i < prefix; i++) lines.push(render(' ', a[i]));
  for (let i = prefix; i < a.length - suffix; i++) lines.push(render('-', a[i]));
  for (let i = prefix; i < b.length - suffix; i++) lines.push(render('+', b[i]));
  for (let i = a.length - suffix; i < oldEnd; i++) lines.push(render(' ', a[i]));
  // A zero-length range names the line before it (so 0 for the start of an empty file).
  const oldStart = oldLen === 0 ? start : start + 1;
  const newStart = newLen === 0 ? start : start + 1;
  return [
    `diff --git a/${path} b/${path}\n`,
    `--- a/${path}\n`,
    `+++ b/${path}\n`,
    `@@ -${oldStart},${oldLen} +${newStart},${newLen} @@\n`,
    ...lines,
  ].join('');
}
