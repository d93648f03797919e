// Entry point of the extension-host suites: VS Code loads this module (extensionTestsPath) inside
// the extension host and awaits run(). The same file serves code-server's smoke-test payload (npm
// test) and @vscode/test-electron (test/electron/run.ts). Every *.test.js beside it is a suite.
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 90000, color: false, reporter: 'spec' });
  const grep = process.env.NUMA_EXTHOST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  const stats = await new Promise<{ passes: number; failures: number; pending: number }>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve({
        passes: runner.stats?.passes ?? 0,
        failures: runner.stats?.failures ?? 0,
        pending: runner.stats?.pending ?? 0,
      }));
    } catch (e) {
      reject(e);
    }
  });
  // One marked line with the totals: test/e2e/run.js adds them to npm test's final count.
  console.log(`NUMA-LAB-EXTHOST-RESULT ${JSON.stringify({ passed: stats.passes, failed: stats.failures, pending: stats.pending })}`);
  if (stats.failures > 0) throw new Error(`${stats.failures} extension-host test(s) failed`);
}
