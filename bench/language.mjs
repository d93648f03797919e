// Language benchmark: parse + check a generated 1,000-line scenario N times and print the
// median and p90 in ms. Not a timed test: the numbers depend on the machine. The language and
// the generator are bundled on the fly with esbuild, so the figures are for the current source.
//   node bench/language.mjs [--runs N] [--lines N]
import * as esbuild from 'esbuild';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const runs = arg('--runs', 200);
const lines = arg('--lines', 1000);

const entry = `
export { parse } from './src/language/parser';
export { check } from './src/language/checker';
export { generateScenario, GENERATED_BUDGET } from './test/unit/language/generate';
`;
const bundle = await esbuild.build({
  stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning',
});
const lang = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);

const text = lang.generateScenario(lines);
const once = () => {
  const parsed = lang.parse(text);
  return lang.check(parsed.file, parsed.diagnostics, { budget: lang.GENERATED_BUDGET });
};
const first = once();
const errors = first.diagnostics.filter((d) => d.severity === 'error');
if (errors.length || !first.set) {
  console.error(`the generated scenario does not check clean: ${errors.map((d) => d.message).join('; ')}`);
  process.exit(1);
}
for (let i = 0; i < 20; i++) once(); // warm up the JIT
const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  once();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
const actualLines = text.split('\n').length - 1;
console.log(`language: parse+check of a generated ${actualLines}-line scenario (${first.set.variants.length} variants, ${runs} runs)`);
console.log(`  median ${q(0.5).toFixed(2)} ms   p90 ${q(0.9).toFixed(2)} ms   min ${times[0].toFixed(2)} ms   max ${times[times.length - 1].toFixed(2)} ms   (goal: median <= 20 ms)`);
