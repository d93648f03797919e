// Runs the extension-host suites (test/extension/**) in a desktop VS Code downloaded by
// @vscode/test-electron, for machines that can download VS Code. `npm test` does not use it: it runs
// the same suites inside code-server's extension host (test/e2e/run.js), which needs no download.
// Usage: npm run compile-tests && npm run build && npm run test:electron
// Env: VSCODE_VERSION (default "stable"), NUMA_EXTHOST_GREP (a mocha grep).
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..', '..', '..'); // out/test/electron -> repo
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repo,
    extensionTestsPath: path.join(repo, 'out', 'test', 'extension', 'index.js'),
    // The examples folder as workspace; other installed extensions and workspace trust off, so
    // nothing but NUMA Lab reacts to the scenarios.
    launchArgs: [path.join(repo, 'examples'), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
