// Recursive-descent parser with line-based error recovery: an error skips to the next line (or
// the closing brace of the block it is in) and parsing goes on, so one file reports all of its
// syntax errors, not only the first. It never throws and always makes progress.

import type * as A from './ast';
import { Diagnostic, diagnostic, closest } from './diagnostics';
import { Token, tokenize } from './lexer';
import { UNITS, unitDimension } from './schema';

export const TOP_KEYWORDS = ['scenario', 'machine', 'kernel', 'costs', 'cgroup', 'workload', 'run', 'variant', 'sweep', 'expect'];
export const ACTIONS = ['alloc', 'read', 'write', 'access', 'dontneed', 'free', 'drop_caches', 'exit'];
export const PATTERNS = ['uniform', 'zipf', 'hotset', 'sequential'];
export const COMPARISONS = ['<', '<=', '>', '>=', '==', '!='];

/** Units recognised after a number (size, time, bandwidth, rate, percent). */
const ALL_UNITS = new Set<string>([...Object.values(UNITS).flatMap((u) => Object.keys(u)), '%']);

export interface ParseResult {
  file: A.FileNode;
  diagnostics: Diagnostic[];
}

class SyntaxError extends Error {}

export function parse(text: string): ParseResult {
  const comments: A.Span[] = [];
  const tokens = tokenize(text, comments);
  const p = new Parser(tokens);
  const items = p.parseFile();
  return { file: { items, comments, length: text.length }, diagnostics: p.diagnostics };
}

class Parser {
  diagnostics: Diagnostic[] = [];
  private pos = 0;

  constructor(private readonly tokens: Token[]) {
    for (const t of tokens) {
      if (t.kind === 'error') this.diagnostics.push(diagnostic('error', 'syntax', t, t.detail ?? 'unexpected input'));
    }
    this.tokens = tokens.filter((t) => t.kind !== 'error');
  }

  // --- token helpers ------------------------------------------------------------------------

  private get tok(): Token {
    return this.tokens[this.pos];
  }
  private peek(k = 1): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private prevEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1].end : 0;
  }
  private is(text: string): boolean {
    const t = this.tok;
    return (t.kind === 'punct' || t.kind === 'op' || t.kind === 'ident') && t.text === text;
  }
  private accept(text: string): Token | null {
    return this.is(text) ? this.next() : null;
  }
  private fail(message: string, at: A.Span = this.tok, fixes: Diagnostic['fixes'] = []): never {
    const span = at === this.tok && this.tok.kind === 'eof' ? { start: this.prevEnd(), end: this.prevEnd() } : at;
    this.diagnostics.push(diagnostic('error', 'syntax', span, message, fixes));
    throw new SyntaxError(message);
  }
  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of file';
    if (t.lineStart && this.pos > 0) return `'${t.text}' on a new line`;
    return `'${t.text}'`;
  }
  private expect(text: string, context: string): Token {
    const t = this.accept(text);
    if (t) return t;
    const at = this.tok.lineStart || this.tok.kind === 'eof' ? { start: this.prevEnd(), end: this.prevEnd() } : this.tok;
    return this.fail(`expected '${text}' ${context}, found ${this.describe(this.tok)}`, at,
      [{ title: `Insert '${text}'`, span: { start: at.start, end: at.start }, newText: text === '}' ? '\n}' : ` ${text} ` }]);
  }
  private ident(context: string): A.Name {
    const t = this.tok;
    if (t.kind === 'ident' && !(t.lineStart && this.pos > 0 && this.lineSensitive)) {
      this.next();
      return { text: t.text, start: t.start, end: t.end };
    }
    return this.fail(`expected ${context}, found ${this.describe(t)}`);
  }
  /** The name after a keyword, on the keyword's line: `cgroup app`, `variant zrm-on`. */
  private nameAfter(keyword: string, example?: string): A.Name {
    if (this.onSameLine() && this.tok.kind === 'ident') return this.ident(`a ${keyword} name`);
    return this.fail(`expected a ${keyword} name after '${keyword}'${example ? `, e.g. ${example}` : ''}`);
  }
  /** Inside a block, a token on a new line starts a new entry. */
  private lineSensitive = false;
  private onSameLine(): boolean {
    return !this.tok.lineStart && this.tok.kind !== 'eof';
  }

  /** Skip to the next line (and past any block opened on the skipped part), or to `}`. */
  private recover(): void {
    let depth = 0;
    const startPos = this.pos;
    while (this.tok.kind !== 'eof') {
      if (this.pos > startPos && this.tok.lineStart && depth <= 0) break;
      if (this.is('{')) depth++;
      if (this.is('}')) {
        if (depth <= 0) break;
        depth--;
      }
      this.next();
    }
  }

  // --- file ------------------------------------------------------------------------------------

  parseFile(): A.Item[] {
    const items: A.Item[] = [];
    while (this.tok.kind !== 'eof') {
      const before = this.pos;
      try {
        items.push(this.item());
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        this.recover();
        if (this.is('}')) this.next();
      }
      if (this.pos === before) this.next();
    }
    return items;
  }

  private item(): A.Item {
    const t = this.tok;
    if (t.kind !== 'ident' || !TOP_KEYWORDS.includes(t.text)) {
      const guess = t.kind === 'ident' ? closest(t.text, TOP_KEYWORDS) : undefined;
      this.fail(`expected a top-level item (${TOP_KEYWORDS.join(', ')}), found ${this.describe(t)}${guess ? `; did you mean '${guess}'?` : ''}`, t,
        guess ? [{ title: `Change to '${guess}'`, span: t, newText: guess }] : []);
    }
    switch (t.text) {
      case 'scenario': return this.scenario();
      case 'machine': return this.machine();
      case 'kernel': case 'costs': case 'run': return this.settingsBlock();
      case 'cgroup': return this.cgroup();
      case 'workload': return this.workload();
      case 'variant': return this.variant();
      case 'sweep': return this.sweep();
      default: return this.expectItem();
    }
  }

  private scenario(): A.ScenarioItem {
    const kw = this.next();
    const t = this.tok;
    if (t.kind !== 'string' || t.lineStart) this.fail(`expected a quoted title after 'scenario', e.g. scenario "zone_reclaim_mode versus membind"`);
    this.next();
    return { kind: 'scenario', keyword: kw, title: t.detail ?? '', start: kw.start, end: t.end };
  }

  /** `{ entry* }` where each entry is parsed by `entry` and errors recover per line. */
  private block(context: string, entry: () => void): { start: number; end: number } {
    const open = this.expect('{', context);
    const saved = this.lineSensitive;
    this.lineSensitive = true;
    try {
      while (!this.is('}') && this.tok.kind !== 'eof') {
        const before = this.pos;
        try {
          entry();
        } catch (e) {
          if (!(e instanceof SyntaxError)) throw e;
          this.recover();
        }
        if (this.pos === before) this.next();
      }
    } finally {
      this.lineSensitive = saved;
    }
    if (this.tok.kind === 'eof') {
      this.diagnostics.push(diagnostic('error', 'syntax', open, `'{' ${context} is never closed: add '}'`,
        [{ title: "Insert '}'", span: { start: this.tok.start, end: this.tok.start }, newText: '\n}\n' }]));
      return { start: open.start, end: this.tok.start };
    }
    const close = this.next();
    return { start: open.start, end: close.end };
  }

  /** A `{ ... }` block that holds settings only. */
  private settingsOnly(context: string): { settings: A.Setting[]; end: number } {
    const settings: A.Setting[] = [];
    const b = this.block(context, () => settings.push(this.setting()));
    return { settings, end: b.end };
  }

  private settingsBlock(): A.SettingsBlock {
    const kw = this.next();
    const keyword = { text: kw.text, start: kw.start, end: kw.end };
    if (kw.text === 'costs' && this.is('preset') && this.onSameLine()) {
      this.next();
      const preset = this.ident("a cost profile name after 'preset'");
      if (!this.is('{')) return { kind: 'settings', keyword, preset, settings: [], start: kw.start, end: preset.end };
      const { settings, end } = this.settingsOnly(`after 'costs preset ${preset.text}'`);
      return { kind: 'settings', keyword, preset, settings, start: kw.start, end };
    }
    const { settings, end } = this.settingsOnly(`after '${kw.text}'`);
    return { kind: 'settings', keyword, settings, start: kw.start, end };
  }

  private setting(): A.Setting {
    const t = this.tok;
    if (t.kind !== 'ident') this.fail(`expected a setting 'name = value', found ${this.describe(t)}`);
    this.next();
    const name = { text: t.text, start: t.start, end: t.end };
    if (!this.is('=') || !this.onSameLine()) {
      this.fail(`expected '=' after '${t.text}'`, !this.onSameLine() ? name : this.tok,
        [{ title: "Insert ' = '", span: { start: name.end, end: name.end }, newText: ' = ' }]);
    }
    this.next();
    if (!this.onSameLine()) this.fail(`expected a value after '${t.text} ='`, { start: this.prevEnd(), end: this.prevEnd() });
    const value = t.text === 'version' ? this.versionValue() : this.value();
    return { name, value, start: name.start, end: value.end };
  }

  /** `version = 5.3-rc5`: the adjacent tokens' text as written (5.10 is not 5.1). */
  private versionValue(): A.Value {
    const first = this.tok;
    if (first.kind === 'string') return this.value();
    let text = '';
    let end = first.start;
    while (this.tok.kind !== 'eof' && this.onSameLine() && this.tok.start === end) {
      text += this.tok.text;
      end = this.tok.end;
      this.next();
    }
    if (!text) return this.value();
    return { kind: 'string', value: text, start: first.start, end };
  }

  // --- values ---------------------------------------------------------------------------------

  private value(): A.Value {
    const t = this.tok;
    if (t.kind === 'string') {
      this.next();
      return { kind: 'string', value: t.detail ?? '', start: t.start, end: t.end };
    }
    if (this.is('[')) return this.array();
    if (t.kind === 'ident') {
      this.next();
      if (this.is('(') && this.onSameLine()) return this.call({ text: t.text, start: t.start, end: t.end });
      return { kind: 'ident', name: t.text, start: t.start, end: t.end };
    }
    if (t.kind === 'number') return this.numberList();
    if (this.is('-') && this.peek().kind === 'number') {
      this.fail('negative values are not allowed here', { start: t.start, end: this.peek().end });
    }
    return this.fail(`expected a value, found ${this.describe(t)}`);
  }

  /** A number with its unit, or a CPU/node list: `0-31`, `0-3,8-11`, `4`. */
  private numberList(): A.Value {
    const first = this.rangeOrQuantity();
    if (!this.is(',') || !this.onSameLine()) return first;
    const items: A.Value[] = [first];
    while (this.is(',') && this.onSameLine()) {
      this.next();
      if (this.tok.kind !== 'number') this.fail(`expected a number after ',' in a list, found ${this.describe(this.tok)}`);
      items.push(this.rangeOrQuantity());
    }
    return { kind: 'list', items, start: first.start, end: items[items.length - 1].end };
  }

  private rangeOrQuantity(): A.QuantityValue | A.RangeValue {
    const from = this.quantity();
    if (this.is('-') && this.onSameLine() && this.peek().kind === 'number' && !from.unit) {
      this.next();
      const to = this.quantity();
      return { kind: 'range', from, to, start: from.start, end: to.end };
    }
    return from;
  }

  /** NUMBER [unit]. Units: `GB`, `ns`, `%`, `GB/s`, `/s` (after a count: `50M/s`). */
  quantity(): A.QuantityValue {
    const t = this.tok;
    if (t.kind !== 'number') this.fail(`expected a number, found ${this.describe(t)}`);
    this.next();
    const q: A.QuantityValue = {
      kind: 'quantity', number: t.value ?? 0, unit: null, unitSpan: null,
      integer: /^[0-9_]+[kMG]?$/.test(t.text), start: t.start, end: t.end,
    };
    const u = this.tok;
    if (!this.onSameLine()) return q;
    if (u.kind === 'punct' && u.text === '%') {
      this.next();
      q.unit = '%'; q.unitSpan = { start: u.start, end: u.end }; q.end = u.end;
      return q;
    }
    if (u.kind === 'punct' && u.text === '/' && this.peek().kind === 'ident' && this.peek().text === 's') {
      this.next();
      const s = this.next();
      q.unit = '/s'; q.unitSpan = { start: u.start, end: s.end }; q.end = s.end;
      return q;
    }
    if (u.kind === 'ident' && (ALL_UNITS.has(u.text) || looksLikeUnit(u.text))) {
      this.next();
      let unit = u.text;
      let end = u.end;
      if (this.is('/') && this.onSameLine() && this.peek().kind === 'ident' && this.peek().text === 's' && !this.peek().lineStart) {
        this.next();
        end = this.next().end;
        unit += '/s';
      }
      q.unit = unit; q.unitSpan = { start: u.start, end }; q.end = end;
    }
    return q;
  }

  private call(callee: A.Name): A.CallValue {
    this.next(); // (
    const args: A.Value[] = [];
    while (!this.is(')')) {
      if (this.tok.kind === 'eof' || (this.tok.lineStart && !this.is(')'))) {
        this.fail(`expected ')' to close '${callee.text}('`, { start: this.prevEnd(), end: this.prevEnd() },
          [{ title: "Insert ')'", span: { start: this.prevEnd(), end: this.prevEnd() }, newText: ')' }]);
      }
      if (this.tok.kind !== 'number') this.fail(`expected a node number in '${callee.text}(...)', found ${this.describe(this.tok)}`);
      const q = this.rangeOrQuantity();
      if (q.kind === 'quantity' && this.is(':')) {
        this.next();
        const w = this.quantity();
        args.push({ kind: 'pair', key: q, value: w, start: q.start, end: w.end });
      } else {
        args.push(q);
      }
      if (!this.accept(',') && !this.is(')')) this.fail(`expected ',' or ')' in '${callee.text}(...)', found ${this.describe(this.tok)}`);
    }
    const close = this.next();
    return { kind: 'call', callee, args, start: callee.start, end: close.end };
  }

  private array(): A.ArrayValue {
    const open = this.next();
    const items: A.Value[] = [];
    while (!this.is(']')) {
      if (this.tok.kind === 'eof' || this.is('}')) {
        this.fail("expected ']' to close the list", { start: this.prevEnd(), end: this.prevEnd() },
          [{ title: "Insert ']'", span: { start: this.prevEnd(), end: this.prevEnd() }, newText: ']' }]);
      }
      const t = this.tok;
      if (t.kind === 'number') items.push(this.quantity());
      else if (t.kind === 'ident' || t.kind === 'string') items.push(this.value());
      else this.fail(`expected a value in the list, found ${this.describe(t)}`);
      if (!this.accept(',') && !this.is(']')) this.fail(`expected ',' or ']' in the list, found ${this.describe(this.tok)}`);
    }
    const close = this.next();
    return { kind: 'array', items, start: open.start, end: close.end };
  }

  // --- machine --------------------------------------------------------------------------------

  private machine(): A.MachineItem {
    const kw = this.next();
    const m: A.MachineItem = { kind: 'machine', keyword: kw, preset: null, nodes: [], matrices: [], swap: null, settings: [], start: kw.start, end: kw.end };
    if (this.is('preset') && this.onSameLine()) {
      this.next();
      m.preset = this.ident('a preset name after \'preset\'');
      m.end = m.preset.end;
    }
    if (!this.is('{')) {
      if (m.preset) return m;
      this.expect('{', "after 'machine' (or 'machine preset NAME')");
    }
    const b = this.block("after 'machine'", () => {
      const t = this.tok;
      if (t.kind === 'ident' && t.text === 'node') m.nodes.push(this.nodeBlock());
      else if (t.kind === 'ident' && (t.text === 'distance' || t.text === 'access_latency_ns')) m.matrices.push(this.matrix());
      else if (t.kind === 'ident' && t.text === 'swap') m.swap = this.settingsBlock();
      else if (t.kind === 'ident' && this.peek().text === '=') m.settings.push(this.setting());
      else {
        const guess = t.kind === 'ident' ? closest(t.text, ['node', 'distance', 'access_latency_ns', 'swap']) : undefined;
        this.fail(`expected 'node', 'distance', 'access_latency_ns' or 'swap' in the machine, found ${this.describe(t)}${guess ? `; did you mean '${guess}'?` : ''}`, t,
          guess ? [{ title: `Change to '${guess}'`, span: t, newText: guess }] : []);
      }
    });
    m.end = b.end;
    return m;
  }

  private nodeBlock(): A.NodeBlock {
    const kw = this.next();
    const id = this.tok.kind === 'number' && this.onSameLine() ? this.quantity() : null;
    if (!id) this.fail("expected a node number after 'node', e.g. node 0 { memory = 64 GiB }");
    const { settings, end } = this.settingsOnly(`after 'node ${id.number}'`);
    return { kind: 'node', id, settings, start: kw.start, end };
  }

  private matrix(): A.MatrixBlock {
    const kw = this.next();
    const rows: A.MatrixRow[] = [];
    const b = this.block(`after '${kw.text}'`, () => {
      if (this.tok.kind !== 'number' || !(this.peek().kind === 'punct' && this.peek().text === ':')) {
        this.fail(`expected a row 'NODE: v0 v1 ...' in '${kw.text}', found ${this.describe(this.tok)}`);
      }
      const node = this.quantity();
      this.next(); // ':'
      const values: A.QuantityValue[] = [];
      while (this.tok.kind === 'number' && !(this.peek().kind === 'punct' && this.peek().text === ':') && this.onSameLine()) values.push(this.quantity());
      if (this.onSameLine() && !this.is('}')) this.fail(`expected numbers in row ${node.number} of '${kw.text}', found ${this.describe(this.tok)}`);
      rows.push({ node, values, start: node.start, end: values.length ? values[values.length - 1].end : node.end + 1 });
    });
    return { kind: 'matrix', name: { text: kw.text, start: kw.start, end: kw.end }, rows, start: kw.start, end: b.end };
  }

  // --- cgroups and workloads -----------------------------------------------------------------

  private cgroup(): A.CgroupItem {
    const kw = this.next();
    const name = this.nameAfter('cgroup', 'cgroup app { memory.max = 8 GiB }');
    const { settings, end } = this.settingsOnly(`after 'cgroup ${name.text}'`);
    return { kind: 'cgroup', keyword: kw, name, settings, start: kw.start, end };
  }

  private workload(): A.WorkloadItem {
    const kw = this.next();
    const name = this.nameAfter('workload', 'workload app { ... }');
    const w: A.WorkloadItem = { kind: 'workload', keyword: kw, name, settings: [], phases: [], start: kw.start, end: kw.end };
    const b = this.block(`after 'workload ${name.text}'`, () => {
      if (this.is('at') || this.is('after')) w.phases.push(this.phase());
      else w.settings.push(this.setting());
    });
    w.end = b.end;
    return w;
  }

  private phase(): A.PhaseItem {
    const kw = this.next();
    let at: A.QuantityValue | null = null;
    let after: A.PhaseRef | null = null;
    let lead: string;
    if (kw.text === 'at') {
      if (this.tok.kind !== 'number' || !this.onSameLine()) this.fail("expected a time after 'at', e.g. at 10 s alloc heap 4 GiB");
      at = this.quantity();
      lead = `at ${at.number}${at.unit ? ' ' + at.unit : ''}`;
    } else {
      const t = this.tok;
      const followable = ACTIONS.filter((a) => a !== 'exit' && a !== 'drop_caches');
      if (t.kind !== 'ident' || !followable.includes(t.text) || !this.onSameLine()) {
        const guess = t.kind === 'ident' && this.onSameLine() ? closest(t.text, followable) : undefined;
        this.fail(`expected the phase this one follows after 'after' (${followable.join(', ')} and its region), e.g. after alloc heap access heap uniform for 10 passes${guess ? `; did you mean '${guess}'?` : ''}`,
          this.onSameLine() ? t : { start: this.prevEnd(), end: this.prevEnd() }, guess ? [{ title: `Change to '${guess}'`, span: t, newText: guess }] : []);
      }
      this.next();
      const action = { text: t.text, start: t.start, end: t.end };
      if ((t.text === 'read' || t.text === 'write') && this.is('file') && this.onSameLine()) this.next();
      const target = this.regionName(`after ${t.text}`);
      after = { action, target, start: action.start, end: target.end };
      lead = `after ${t.text} ${target.text}`;
    }
    const phase: A.PhaseItem = { kind: 'phase', at, after, action: null, start: kw.start, end: this.prevEnd() };
    const t = this.tok;
    if (t.kind !== 'ident' || !ACTIONS.includes(t.text) || !this.onSameLine()) {
      const guess = t.kind === 'ident' && this.onSameLine() ? closest(t.text, ACTIONS) : undefined;
      this.fail(`expected an action after '${lead}' (${ACTIONS.join(', ')}), found ${this.describe(t)}${guess ? `; did you mean '${guess}'?` : ''}`,
        this.onSameLine() ? t : { start: this.prevEnd(), end: this.prevEnd() }, guess ? [{ title: `Change to '${guess}'`, span: t, newText: guess }] : []);
    }
    phase.action = this.action();
    phase.end = phase.action.span.end;
    if (this.onSameLine() && !this.is('}')) this.fail(`unexpected ${this.describe(this.tok)} after the '${t.text}' action`);
    return phase;
  }

  private regionName(action: string): A.Name {
    if (this.tok.kind !== 'ident' || !this.onSameLine()) this.fail(`expected a region name after '${action}'`, { start: this.prevEnd(), end: this.prevEnd() });
    const t = this.next();
    return { text: t.text, start: t.start, end: t.end };
  }

  private optionalQuantity(): A.QuantityValue | null {
    return this.tok.kind === 'number' && this.onSameLine() ? this.quantity() : null;
  }

  private keywordValue(word: string): A.QuantityValue | null {
    if (!(this.is(word) && this.onSameLine())) return null;
    this.next();
    if (this.tok.kind !== 'number' || !this.onSameLine()) this.fail(`expected a value after '${word}'`, { start: this.prevEnd(), end: this.prevEnd() });
    return this.quantity();
  }

  private action(): A.Action {
    const kw = this.next();
    const span = { start: kw.start, end: kw.end };
    const done = <T extends A.Action>(a: T): T => { a.span.end = Math.max(a.span.end, this.prevEnd()); return a; };
    switch (kw.text) {
      case 'alloc': {
        const region = this.regionName('alloc');
        const size = this.optionalQuantity();
        if (!size) this.fail(`expected a size after 'alloc ${region.text}', e.g. 4 GiB`, { start: this.prevEnd(), end: this.prevEnd() });
        let hugepage: A.Span | null = null;
        if (this.is('MADV_HUGEPAGE') && this.onSameLine()) { const h = this.next(); hugepage = h; }
        let mbind: A.Value | null = null;
        if (this.is('mbind') && this.onSameLine()) {
          this.next();
          if (!this.onSameLine() || this.tok.kind !== 'ident') this.fail("expected a memory policy after 'mbind', e.g. mbind bind(1)", { start: this.prevEnd(), end: this.prevEnd() });
          mbind = this.value();
        }
        const rate = this.keywordValue('rate');
        return done({ kind: 'alloc', span, region, size, hugepage, mbind, rate });
      }
      case 'read':
      case 'write': {
        if (!(this.is('file') && this.onSameLine())) this.fail(`expected 'file' after '${kw.text}', e.g. ${kw.text} file dataset 10 GB`,
          this.onSameLine() ? this.tok : { start: this.prevEnd(), end: this.prevEnd() });
        this.next();
        const file = this.regionName(`${kw.text} file`);
        const size = this.optionalQuantity();
        if (!size) this.fail(`expected a size after '${kw.text} file ${file.text}'`, { start: this.prevEnd(), end: this.prevEnd() });
        const rate = this.keywordValue('rate');
        return done({ kind: 'file', span, op: kw.text as 'read' | 'write', file, size, rate });
      }
      case 'access': {
        const region = this.regionName('access');
        const pattern = this.pattern();
        let rate: A.QuantityValue | null = null;
        let writes: A.QuantityValue | null = null;
        let duration: A.QuantityValue | null = null;
        let work: A.Name | null = null;
        while (this.onSameLine() && this.tok.kind === 'ident') {
          if (this.is('rate') && !rate) rate = this.keywordValue('rate');
          else if (this.is('writes') && !writes) writes = this.keywordValue('writes');
          else if (this.is('for') && !duration) {
            duration = this.keywordValue('for');
            if (duration && !duration.unit && (this.is('accesses') || this.is('passes')) && this.onSameLine()) {
              const w = this.next();
              work = { text: w.text, start: w.start, end: w.end };
            }
          } else {
            const guess = closest(this.tok.text, ['rate', 'writes', 'for']);
            this.fail(`unexpected '${this.tok.text}' in 'access' (expected rate, writes or for)${guess ? `; did you mean '${guess}'?` : ''}`, this.tok,
              guess ? [{ title: `Change to '${guess}'`, span: this.tok, newText: guess }] : []);
          }
        }
        return done({ kind: 'access', span, region, pattern, rate, writes, duration, work });
      }
      case 'dontneed': {
        const region = this.regionName('dontneed');
        const size = this.optionalQuantity();
        const per = size ? this.keywordValue('per') : null;
        const from = size ? this.keywordValue('from') : null;
        return done({ kind: 'dontneed', span, region, size, per, from });
      }
      case 'free':
        return done({ kind: 'free', span, region: this.regionName('free') });
      case 'drop_caches':
        // `drop_caches 1|2|3`, as written to /proc/sys/vm/drop_caches (default 3).
        return done({ kind: 'drop_caches', span, mode: this.optionalQuantity() });
      default:
        return done({ kind: 'exit', span });
    }
  }

  private pattern(): A.PatternNode {
    const t = this.tok;
    if (t.kind !== 'ident' || !PATTERNS.includes(t.text) || !this.onSameLine()) {
      const guess = t.kind === 'ident' && this.onSameLine() ? closest(t.text, PATTERNS) : undefined;
      this.fail(`expected an access pattern (${PATTERNS.join(', ')}), found ${this.describe(t)}${guess ? `; did you mean '${guess}'?` : ''}`,
        this.onSameLine() ? t : { start: this.prevEnd(), end: this.prevEnd() }, guess ? [{ title: `Change to '${guess}'`, span: t, newText: guess }] : []);
    }
    this.next();
    const node: A.PatternNode = { name: { text: t.text, start: t.start, end: t.end }, arg: null, hot: null, centered: null, movesEvery: null, movesWork: null, start: t.start, end: t.end };
    if (t.text === 'zipf') node.arg = this.optionalQuantity();
    if (t.text === 'hotset') {
      node.arg = this.optionalQuantity();
      if (!node.arg) this.fail("expected the hot set's size after 'hotset', e.g. hotset 8 GiB", { start: this.prevEnd(), end: this.prevEnd() });
      node.hot = this.keywordValue('hot');
      if (this.is('centered') && this.onSameLine()) {
        const c = this.next();
        node.centered = { text: c.text, start: c.start, end: c.end };
      }
      if (this.is('moves') && this.onSameLine()) {
        this.next();
        if (!(this.is('every') && this.onSameLine())) this.fail("expected 'every' after 'moves', e.g. moves every 20 s or moves every 2G accesses");
        node.movesEvery = this.keywordValue('every');
        if (node.movesEvery && !node.movesEvery.unit && (this.is('accesses') || this.is('passes')) && this.onSameLine()) {
          const w = this.next();
          node.movesWork = { text: w.text, start: w.start, end: w.end };
        }
      }
    }
    node.end = this.prevEnd();
    return node;
  }

  // --- variants, sweeps, expectations -----------------------------------------------------------

  private variant(): A.VariantItem {
    const kw = this.next();
    const name = this.nameAfter('variant', 'variant zrm-on { vm.zone_reclaim_mode = 1 }');
    const v: A.VariantItem = { kind: 'variant', keyword: kw, name, settings: [], blocks: [], start: kw.start, end: kw.end };
    const b = this.block(`after 'variant ${name.text}'`, () => {
      const t = this.tok;
      const target = t.kind === 'ident' ? t.text : '';
      if ((target === 'workload' || target === 'cgroup' || target === 'node') && this.peek().text !== '=') {
        this.next();
        let id: A.Name;
        if (target === 'node') {
          if (this.tok.kind !== 'number' || !this.onSameLine()) this.fail("expected a node number after 'node'");
          const q = this.next();
          id = { text: q.text, start: q.start, end: q.end };
        } else {
          id = this.nameAfter(target);
        }
        const { settings, end } = this.settingsOnly(`after '${target} ${id.text}'`);
        v.blocks.push({ target, keyword: t, name: id, settings, start: t.start, end });
      } else if ((target === 'run' || target === 'swap') && this.peek().text === '{') {
        this.next();
        const { settings, end } = this.settingsOnly(`after '${target}'`);
        v.blocks.push({ target, keyword: t, name: null, settings, start: t.start, end });
      } else {
        v.settings.push(this.setting());
      }
    });
    v.end = b.end;
    return v;
  }

  /** `sweep KNOB = VALUES`, then `x KNOB = VALUES` for each knob crossed with it (on the same
   *  line or the next ones): one variant per point of the product. */
  private sweep(): A.SweepItem {
    const kw = this.next();
    if (this.tok.kind !== 'ident' || !this.onSameLine()) this.fail("expected a knob after 'sweep', e.g. sweep vm.watermark_scale_factor = [10, 100, 1000]");
    const first = this.sweepAxis('sweep');
    const s: A.SweepItem = { kind: 'sweep', keyword: kw, knob: first.knob, values: first.values, range: first.range, cross: [], start: kw.start, end: first.end };
    while (this.isCross()) {
      const op = this.next();
      if (this.tok.kind !== 'ident' || !this.onSameLine()) this.fail(`expected a knob after '${op.text}', e.g. ${op.text} vm.swappiness = [0, 60, 200]`);
      const axis = this.sweepAxis(op.text);
      s.cross.push({ ...axis, op: { start: op.start, end: op.end }, start: op.start });
      s.end = axis.end;
    }
    return s;
  }

  /** `x` or `×` followed by a knob on its line: the next factor of a sweep's product (no
   *  top-level item starts with `x`). */
  private isCross(): boolean {
    const t = this.tok;
    const op = (t.kind === 'ident' && t.text === 'x') || (t.kind === 'punct' && t.text === '×');
    return op && this.peek().kind === 'ident' && !this.peek().lineStart;
  }

  /** `KNOB = [values]` or `KNOB = FROM to TO step STEP`, the knob being the current token. */
  private sweepAxis(after: string): A.SweepAxis {
    const k = this.next();
    const knob = { text: k.text, start: k.start, end: k.end };
    if (!this.is('=')) this.fail(`expected '=' after '${after} ${k.text}'`, this.tok, [{ title: "Insert ' = '", span: { start: k.end, end: k.end }, newText: ' = ' }]);
    this.next();
    const axis: A.SweepAxis = { knob, values: [], range: null, start: k.start, end: k.end };
    if (this.is('[')) {
      const arr = this.array();
      axis.values = arr.items;
      axis.end = arr.end;
      return axis;
    }
    if (!this.onSameLine()) this.fail(`expected '[values]' or 'FROM to TO step STEP' after '${after} ${k.text} ='`, { start: this.prevEnd(), end: this.prevEnd() });
    const from = this.value();
    if (!(this.is('to') && this.onSameLine())) this.fail("expected 'to' in 'sweep KNOB = FROM to TO step STEP'");
    this.next();
    const to = this.value();
    if (!(this.is('step') && this.onSameLine())) this.fail("expected 'step' in 'sweep KNOB = FROM to TO step STEP'");
    this.next();
    const step = this.value();
    axis.range = { from, to, step };
    axis.end = step.end;
    return axis;
  }

  private expectItem(): A.ExpectItem {
    const kw = this.next();
    const e: A.ExpectItem = { kind: 'expect', keyword: kw, left: null, op: null, right: null, start: kw.start, end: kw.end };
    e.left = this.operand();
    const o = this.tok;
    if (o.kind !== 'op' || !this.onSameLine()) {
      const fix = o.kind === 'punct' && o.text === '=' ? [{ title: "Change to '=='", span: o, newText: '==' }] : [];
      this.fail(`expected a comparison (${COMPARISONS.join(' ')}) in the expectation, found ${this.describe(o)}`, o, fix);
    }
    this.next();
    e.op = { text: o.text, start: o.start, end: o.end };
    e.right = this.operand();
    e.end = e.right.end;
    return e;
  }

  private operand(): A.Operand {
    const t = this.tok;
    if (!this.onSameLine()) this.fail('expected a metric (VARIANT.METRIC) or a number', { start: this.prevEnd(), end: this.prevEnd() });
    if (t.kind === 'number') {
      const value = this.quantity();
      // `1.064 * hot-threshold.workload.app.runtime_ms`: a metric scaled by a number, for a ratio
      // between two variants.
      if (this.is('*') && this.onSameLine() && this.peek().kind === 'ident' && !value.unit) {
        this.next();
        const m = this.operand();
        if (m.kind === 'metric') return { ...m, scale: value, start: value.start };
      }
      return { kind: 'number', value, start: value.start, end: value.end };
    }
    if (this.is('*') && this.peek().text === '.' && this.peek(2).kind === 'ident') {
      this.next(); this.next();
      const m = this.next();
      return { kind: 'metric', variant: { text: '*', start: t.start, end: t.end }, metric: { text: m.text, start: m.start, end: m.end }, start: t.start, end: m.end };
    }
    if (t.kind === 'ident') {
      this.next();
      // In `zrm-on.workload.app.avg_access_ns` the variant is the first dotted part.
      const dot = t.text.indexOf('.');
      if (dot < 0) this.fail(`expected VARIANT.METRIC, e.g. zrm-on.avg_access_ns, found '${t.text}'`, t);
      return {
        kind: 'metric',
        variant: { text: t.text.slice(0, dot), start: t.start, end: t.start + dot },
        metric: { text: t.text.slice(dot + 1), start: t.start + dot + 1, end: t.end },
        start: t.start, end: t.end,
      };
    }
    return this.fail(`expected a metric (VARIANT.METRIC) or a number, found ${this.describe(t)}`);
  }
}

/** Catches unit typos (`Gb`, `gib`) so they get a unit diagnostic rather than a syntax error. */
function looksLikeUnit(s: string): boolean {
  return /^(k|K|m|M|g|G|t|T)?(i)?(b|B)$/.test(s) || /^(KB|Mb|Gb|GIB|gib|mib|kib|sec|secs|ms|msec|usec|nsec|hz)$/i.test(s) || unitDimension(s) !== undefined;
}
