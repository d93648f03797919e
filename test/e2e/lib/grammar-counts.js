// Turns vscode-tmgrammar-test's per-file xunit reports into one `SUITE-RESULT grammar P F` line:
// each source line that carries assertions is one test. A file that could not be parsed or run
// (reported on the console but absent from the reports) counts one failure.
// Usage: node grammar-counts.js XUNIT_DIR CONSOLE_LOG EXIT_CODE
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [dir, consoleLog, rc] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const reported = new Set();
if (fs.existsSync(dir)) {
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
    const xml = fs.readFileSync(path.join(dir, f), 'utf8');
    reported.add(f);
    for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
      if (m[2] && /<(failure|error)\b/.test(m[2])) failed++;
      else passed++;
    }
  }
}
// Console lines for files that failed outside any assertion (parse errors, grammar errors).
const text = fs.existsSync(consoleLog) ? fs.readFileSync(consoleLog, 'utf8') : '';
const failedFiles = [...text.matchAll(/^\S*\s*✖\s+(\S+)\s+failed/gm)].map((m) => m[1]);
// The runner names each report after its test file: test/grammar/a.numa -> TEST-test.grammar.a.numa.xml
for (const file of failedFiles) if (!reported.has(`TEST-${file.replace(/\//g, '.')}.xml`)) failed++;
if (Number(rc) !== 0 && failed === 0) failed = 1;
console.log(`SUITE-RESULT grammar ${passed} ${failed}`);
