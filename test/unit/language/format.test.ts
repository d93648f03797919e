import * as assert from 'node:assert/strict';
import { format } from '../../../src/language/format';
import { compile } from '../../../src/language/index';
import { tokenize } from '../../../src/language/lexer';
import { example, fixture } from './helpers';

const tokenTexts = (t: string) => tokenize(t).map((x) => `${x.kind}:${x.text}`);
const comments = (t: string) => { const cs: { start: number; end: number }[] = []; tokenize(t, cs); return cs.map((c) => t.slice(c.start, c.end).trimEnd()); };
const sources = () => [
  ...['zone-reclaim.numa', 'thp-numa.numa', 'tiering.numa', 'deferred-split.numa'].map((n) => ({ n, t: example(n) })),
  { n: 'cxl-sweep.numa', t: fixture('cxl-sweep.numa') },
];

describe('formatter', () => {
  for (const { n, t } of sources()) {
    it(`${n}: idempotent, same tokens, same comments, same resolved scenarios`, () => {
      const once = format(t);
      assert.equal(format(once), once);
      assert.deepEqual(tokenTexts(once), tokenTexts(t));
      assert.deepEqual(comments(once), comments(t));
      assert.deepEqual(compile(once).set, compile(t).set);
      assert.deepEqual(compile(once).diagnostics, []);
    });
  }

  it('lays out canonically: two-space indentation, one entry per line, name = value', () => {
    const text = 'machine{node 0{memory=1GiB cpus=0-3}}\nworkload a{node=0\n      at 0 s alloc x 1GiB\nat 1s access x uniform rate 5M / s writes 5 %}\nvariant v{workload a{mempolicy=bind(0 , 1)}}\nexpect *.oom_kill==0\n';
    assert.equal(format(text), [
      'machine {',
      '  node 0 {',
      '    memory = 1 GiB',
      '    cpus = 0-3',
      '  }',
      '}',
      'workload a {',
      '  node = 0',
      '  at 0 s alloc x 1 GiB',
      '  at 1 s access x uniform rate 5M/s writes 5%',
      '}',
      'variant v {',
      '  workload a {',
      '    mempolicy = bind(0, 1)',
      '  }',
      '}',
      'expect *.oom_kill == 0',
      '',
    ].join('\n'));
  });

  it('keeps comments in place, collapses blank lines to one and drops trailing spaces', () => {
    const text = '# head\n\n\n\nkernel {   # knobs\n  # inside\n    vm.swappiness = 1   \n}\n\n\n\nrun { seed = 1 }   \n';
    assert.equal(format(text), '# head\n\nkernel {  # knobs\n  # inside\n  vm.swappiness = 1\n}\n\nrun {\n  seed = 1\n}\n');
  });

  it('formats weighted-interleave pairs, matrices and sweeps', () => {
    const text = 'machine {\ndistance {\n0:10   21\n1 : 21 10\n}\n}\nworkload a { mempolicy = weighted-interleave( 0 : 3 ,1:1 ) }\nsweep vm.swappiness=[ 0,60 ]\n';
    assert.equal(format(text), 'machine {\n  distance {\n    0: 10 21\n    1: 21 10\n  }\n}\nworkload a {\n  mempolicy = weighted-interleave(0:3, 1:1)\n}\nsweep vm.swappiness = [0, 60]\n');
  });

  it('refuses a file with syntax errors: returns it unchanged', () => {
    const broken = fixture('syntax-errors.numa');
    assert.equal(format(broken), broken);
    assert.equal(format('kernel {\n vm.swappiness = 1\n'), 'kernel {\n vm.swappiness = 1\n');
  });

  it('keeps CRLF line endings and a byte-order mark', () => {
    assert.equal(format('\ufeffrun {seed = 1}\r\n'), '\ufeffrun {\r\n  seed = 1\r\n}\r\n');
  });

  it('leaves an empty or comment-only file as it is, apart from layout', () => {
    assert.equal(format(''), '');
    assert.equal(format('# only\n'), '# only\n');
  });
});
