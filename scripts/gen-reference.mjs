// Writes the language reference into README.md (between the reference markers) and
// docs/reference.md. The text comes from src/language/reference.ts, bundled on the fly with
// esbuild so it always reflects the current schema, never a stale out/ build.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const bundle = await esbuild.build({
  entryPoints: ['src/language/reference.ts'], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning',
});
const ref = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);

const readmePath = 'README.md';
const readme = existsSync(readmePath)
  ? readFileSync(readmePath, 'utf8')
  : `# NUMA Lab\n\n${ref.REFERENCE_START}\n${ref.REFERENCE_END}\n`;
writeFileSync(readmePath, ref.replaceReferenceSection(readme, ref.generateReference()));
mkdirSync('docs', { recursive: true });
writeFileSync('docs/reference.md', ref.generateReferenceDocument());
console.log('wrote README.md (reference section) and docs/reference.md');
