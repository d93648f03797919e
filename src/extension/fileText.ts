// Text that came from a file (a variant name in a result file, a scenario title, a parse error
// quoting either), made safe to put in a notification. VS Code turns `[label](command:…)`,
// `[label](https://…)` and `[label](file:…)` in notification messages into links, and a backslash
// does not escape them there, so a file could put a clickable command in front of the user.
// No vscode import: unit tests check it directly.

/** Longest file text a notification shows; the rest is cut with an ellipsis. */
export const MAX_NOTIFIED_CHARS = 300;

/** `s` with every `](` split to `] (` (no link syntax survives: a link needs them adjacent),
 *  line breaks and other control characters as spaces, and at most MAX_NOTIFIED_CHARS long. */
export function fromFile(s: string, max = MAX_NOTIFIED_CHARS): string {
  // eslint-disable-next-line no-control-regex
  let out = s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  if (out.length > max) out = out.slice(0, max - 1) + '…';
  // After the cut, so cutting cannot join a bracket and a parenthesis again.
  return out.replace(/\](?=\()/g, '] ');
}
