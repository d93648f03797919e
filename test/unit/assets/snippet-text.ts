// Expands a VS Code snippet body the way accepting every default would: `${1:text}` becomes its
// text (nested placeholders expanded too), `${1|a,b|}` its first choice, and a bare `$1` / `${1}`
// mirrors what tab stop 1 holds. Only the snippet syntax our snippets use is handled.

export function expandSnippet(body: string | string[]): string {
  const text = Array.isArray(body) ? body.join('\n') : body;
  const values = new Map<string, string>();
  const expand = (s: string): string => {
    let out = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === '\\' && i + 1 < s.length) { out += s[i + 1]; i += 2; continue; }
      if (c !== '$') { out += c; i++; continue; }
      const bare = /^\$(\d+)/.exec(s.slice(i));
      if (bare) { out += values.get(bare[1]) ?? ''; i += bare[0].length; continue; }
      const open = /^\$\{(\d+)([:|}])/.exec(s.slice(i));
      if (!open) throw new Error(`unsupported snippet syntax at: ${s.slice(i, i + 20)}`);
      const [head, index, kind] = open;
      if (kind === '}') { out += values.get(index) ?? ''; i += head.length; continue; }
      // Find the matching closing brace, skipping nested ${...} and escapes.
      let depth = 1;
      let j = i + head.length;
      for (; j < s.length && depth > 0; j++) {
        if (s[j] === '\\') { j++; continue; }
        if (s[j] === '$' && s[j + 1] === '{') { depth++; j++; continue; }
        if (s[j] === '}') depth--;
      }
      const inner = s.slice(i + head.length, j - 1);
      const value = kind === ':' ? expand(inner) : inner.replace(/\|$/, '').split(',')[0];
      values.set(index, value);
      out += value;
      i = j;
    }
    return out;
  };
  return expand(text);
}
