// Turns `.numa` text into tokens. Never throws: an unknown character becomes an `error` token
// that the parser reports, so every byte of a broken file still has a place.

export type TokenKind =
  | 'ident' // names, keywords (contextual), dotted knob names: vm.zone_reclaim_mode
  | 'number' // 42, 0.5, 1e6, 1_000, with an optional attached count suffix (50M)
  | 'string'
  | 'punct' // { } ( ) [ ] = : , - . * / % ×
  | 'op' // < <= > >= == !=
  | 'error'
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** True when a newline separates this token from the previous one: items end at lines. */
  lineStart: boolean;
  /** For numbers: the value with the count suffix applied. */
  value?: number;
  /** For numbers: the attached count suffix (k, M, G), if any. */
  suffix?: string;
  /** For strings: the unescaped contents; for errors: the message. */
  detail?: string;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_+\-]/;
const DIGIT = /[0-9]/;
const SUFFIXES: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9 };

/** Tokens of `text`, ending with `eof`. Comment spans are appended to `comments` when given. */
export function tokenize(text: string, comments?: { start: number; end: number }[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let sawNewline = true;
  const n = text.length;
  // Built field by field: an object spread per token cost a third of the lexing time.
  const push = (t: Omit<Token, 'lineStart'>) => {
    (t as Token).lineStart = sawNewline;
    tokens.push(t as Token);
    sawNewline = false;
  };

  while (i < n) {
    const c = text[i];
    if (c === '\n') { sawNewline = true; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\u00a0' || c === '\ufeff') { i++; continue; }
    if (c === '#') {
      const start = i;
      while (i < n && text[i] !== '\n') i++;
      comments?.push({ start, end: i });
      continue;
    }
    const start = i;
    if (IDENT_START.test(c)) {
      i++;
      for (;;) {
        while (i < n && IDENT_PART.test(text[i])) i++;
        // A dot joins name parts only when a name part follows: `vm.swappiness`, `node0.MemFree`.
        if (text[i] === '.' && i + 1 < n && IDENT_START.test(text[i + 1])) { i++; continue; }
        break;
      }
      // A trailing '-' or '+' belongs to what follows (`a- 1` is not a name `a-`).
      while (i > start + 1 && (text[i - 1] === '-' || text[i - 1] === '+')) i--;
      push({ kind: 'ident', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(text[i + 1] ?? ''))) {
      while (i < n && /[0-9_]/.test(text[i])) i++;
      if (text[i] === '.' && DIGIT.test(text[i + 1] ?? '')) {
        i++;
        while (i < n && /[0-9_]/.test(text[i])) i++;
      }
      if ((text[i] === 'e' || text[i] === 'E') && /[0-9]/.test(text[i + 1] === '+' || text[i + 1] === '-' ? text[i + 2] ?? '' : text[i + 1] ?? '')) {
        i += text[i + 1] === '+' || text[i + 1] === '-' ? 2 : 1;
        while (i < n && DIGIT.test(text[i])) i++;
      }
      const numText = text.slice(start, i);
      let value = Number(numText.replace(/_/g, ''));
      let suffix: string | undefined;
      const s = text[i];
      if (s in SUFFIXES && !/[A-Za-z0-9_]/.test(text[i + 1] ?? '')) {
        suffix = s;
        value *= SUFFIXES[s];
        i++;
      }
      if (!Number.isFinite(value)) {
        push({ kind: 'error', text: text.slice(start, i), start, end: i, detail: `number '${text.slice(start, i)}' is out of range` });
      } else {
        push({ kind: 'number', text: text.slice(start, i), start, end: i, value, suffix });
      }
      continue;
    }
    if (c === '"') {
      i++;
      let out = '';
      let closed = false;
      while (i < n && text[i] !== '\n') {
        if (text[i] === '\\' && i + 1 < n && text[i + 1] !== '\n') { out += text[i + 1]; i += 2; continue; }
        if (text[i] === '"') { closed = true; i++; break; }
        out += text[i++];
      }
      if (closed) push({ kind: 'string', text: text.slice(start, i), start, end: i, detail: out });
      else push({ kind: 'error', text: text.slice(start, i), start, end: i, detail: 'unterminated string: add a closing "' });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '==' || two === '!=') {
      i += 2;
      push({ kind: 'op', text: two, start, end: i });
      continue;
    }
    if (c === '<' || c === '>') {
      i++;
      push({ kind: 'op', text: c, start, end: i });
      continue;
    }
    if ('{}()[]=:,-.*/%×'.includes(c)) {
      i++;
      push({ kind: 'punct', text: c, start, end: i });
      continue;
    }
    // Anything else: one error token per run of unexpected characters, so garbage stays cheap.
    i++;
    while (i < n && !/[\s#"{}()[\]=:,A-Za-z0-9_]/.test(text[i])) i++;
    const bad = text.slice(start, i);
    push({ kind: 'error', text: bad, start, end: i, detail: `unexpected character${bad.length > 1 ? 's' : ''} '${printable(bad)}'` });
  }
  tokens.push({ kind: 'eof', text: '', start: n, end: n, lineStart: true });
  return tokens;
}

function printable(s: string): string {
  const shown = s.length > 12 ? s.slice(0, 12) + '…' : s;
  return shown.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
