/**
 * Text from records, files or the host, made safe to print to a terminal: every control
 * character (C0 but tab and line feed, DEL, C1) and every bidirectional formatting character is
 * shown as a `\uXXXX` escape, as JSON writes it. Printed raw, `ESC [2J` clears the user's screen,
 * `ESC ]0;...BEL` retitles the window, a lone CR overwrites the line, and U+202E reverses the
 * text after it: a goal or a file name could redraw or disguise what the tool reports.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalText(s: string): string {
  return s.replace(UNSAFE, asEscape);
}

/**
 * The same for text that must stay on the one line it is printed on (a progress line, a log
 * message): a line feed is escaped too, so a check name or a generator's stderr cannot start a
 * line of its own that reads like the tool's ("nix-flake-check: passed").
 */
export function terminalLine(s: string): string {
  return terminalText(s).replace(/\n/g, asEscape);
}

function asEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
