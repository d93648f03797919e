import * as assert from 'node:assert/strict';
import { tokenize } from '../../../src/language/lexer';

const kinds = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.text}`);

describe('lexer', () => {
  it('keeps dashed, plussed and dotted names whole', () => {
    assert.deepEqual(kinds('zrm-on defer+madvise vm.zone_reclaim_mode node0.MemFree'),
      ['ident:zrm-on', 'ident:defer+madvise', 'ident:vm.zone_reclaim_mode', 'ident:node0.MemFree', 'eof:']);
  });

  it('reads numbers with underscores, fractions, exponents and count suffixes', () => {
    const t = tokenize('1_000 0.5 1e6 50M 2k 3G');
    assert.deepEqual(t.slice(0, 6).map((x) => x.value), [1000, 0.5, 1e6, 50e6, 2000, 3e9]);
    assert.equal(t[3].suffix, 'M');
    assert.equal(t[0].kind, 'number');
  });

  it('does not take a unit letter as a count suffix: 8 GiB, 10 ms, 5min', () => {
    assert.deepEqual(kinds('8GiB 10 ms 5min'), ['number:8', 'ident:GiB', 'number:10', 'ident:ms', 'number:5', 'ident:min', 'eof:']);
  });

  it('splits CPU ranges and rates into punctuation', () => {
    assert.deepEqual(kinds('0-31 50M/s 30%'), ['number:0', 'punct:-', 'number:31', 'number:50M', 'punct:/', 'ident:s', 'number:30', 'punct:%', 'eof:']);
  });

  it('does not glue a trailing dash to a name', () => {
    assert.deepEqual(kinds('a- 1'), ['ident:a', 'punct:-', 'number:1', 'eof:']);
  });

  it('reads comparison operators as one token', () => {
    assert.deepEqual(kinds('< <= > >= == !='), ['op:<', 'op:<=', 'op:>', 'op:>=', 'op:==', 'op:!=', 'eof:']);
  });

  it('unescapes strings and reports an unterminated one as an error token', () => {
    const t = tokenize('"a \\"b\\" \\\\c" "open\nx');
    assert.equal(t[0].kind, 'string');
    assert.equal(t[0].detail, 'a "b" \\c');
    assert.equal(t[1].kind, 'error');
    assert.match(t[1].detail!, /unterminated/);
    assert.equal(t[2].text, 'x');
    assert.equal(t[2].lineStart, true);
  });

  it('collects comments and skips them', () => {
    const comments: { start: number; end: number }[] = [];
    const text = 'kernel # the knobs\n# alone\n{';
    const t = tokenize(text, comments);
    assert.deepEqual(t.map((x) => x.text), ['kernel', '{', '']);
    assert.deepEqual(comments.map((c) => text.slice(c.start, c.end)), ['# the knobs', '# alone']);
  });

  it('marks the first token of each line', () => {
    const t = tokenize('a b\n  c\n\nd');
    assert.deepEqual(t.map((x) => x.lineStart), [true, false, true, true, true]);
  });

  it('turns a run of garbage into one error token with offsets and keeps going', () => {
    const t = tokenize('a @@@ b \u0001 c');
    assert.deepEqual(t.map((x) => x.kind), ['ident', 'error', 'ident', 'error', 'ident', 'eof']);
    assert.deepEqual([t[1].start, t[1].end], [2, 5]);
    assert.match(t[3].detail!, /\\u0001/);
  });

  it('reports a number too large for a double', () => {
    const t = tokenize('1e999');
    assert.equal(t[0].kind, 'error');
    assert.match(t[0].detail!, /out of range/);
  });

  it('covers every offset: spans are increasing and inside the text', () => {
    const text = 'machine { node 0 { memory = 1 GiB } } # x\nexpect *.oom_kill == 0';
    let last = 0;
    for (const t of tokenize(text)) {
      assert.ok(t.start >= last && t.end >= t.start && t.end <= text.length);
      assert.equal(text.slice(t.start, t.end), t.text);
      last = t.end;
    }
  });
});
