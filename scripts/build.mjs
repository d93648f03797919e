// Builds every bundle with esbuild: the extension host, the CLI, the language server (the
// extension starts dist/lsp.js; other editors run `numa-lab lsp --stdio`), the simulation worker
// and one bundle per webview. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
mkdirSync('dist', { recursive: true });

const node = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', sourcemap: true, logLevel: 'warning' };
const targets = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/lsp/main.ts'], outfile: 'dist/lsp.js' },
  { ...node, entryPoints: ['src/runner/worker.ts'], outfile: 'dist/worker.js' },
];
// One browser bundle per webview folder that has an entry point.
for (const view of ['results']) {
  const entry = `webview/${view}/main.ts`;
  if (existsSync(entry)) {
    targets.push({ bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true,
      logLevel: 'warning', entryPoints: [entry], outfile: `dist/webview/${view}.js`,
      loader: { '.css': 'css' }, tsconfig: `webview/${view}/tsconfig.json` });
  }
}
const present = targets.filter((t) => t.entryPoints.every((e) => existsSync(e)));
if (watch) {
  for (const t of present) await (await esbuild.context(t)).watch();
  console.log(`watching ${present.length} bundles`);
} else {
  await Promise.all(present.map((t) => esbuild.build(t)));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
  console.log(`built ${present.map((t) => t.outfile).join(', ')}`);
  pruneStaleCompiledOutput('out');
}

// tsc never deletes what it compiled from a source that is gone; a leftover test in out/ then runs
// (and once kept mocha alive forever). Remove every compiled file whose .ts source no longer exists.
function pruneStaleCompiledOutput(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) { pruneStaleCompiledOutput(path); continue; }
    const source = path.slice('out/'.length).replace(/\.js(\.map)?$|\.d\.ts$/, '.ts');
    if (source.endsWith('.ts') && source !== path.slice('out/'.length) && !existsSync(source)) rmSync(path);
  }
}
