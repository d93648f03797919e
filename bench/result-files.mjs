// Opening result files (numbers, not pass/fail): how long the extension host spends reading,
// parsing and validating a saved result before the panel gets it, for a real result and for one
// grown to near the size limit, and how fast crafted files are refused. Run after
// `npm run build && npm run compile-tests`:   node bench/result-files.mjs [--quick]
import { mkdtempSync, openSync, ftruncateSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { compile } = require(path.join(root, 'out/src/language/index.js'));
const { runScenarioSet } = require(path.join(root, 'out/src/core/index.js'));
const { saveResult, loadResult } = require(path.join(root, 'out/src/extension/run/resultFiles.js'));
const { checkRunResult, MAX_RESULT_FILE_BYTES } = require(path.join(root, 'out/src/protocol/resultSchema.js'));
const quick = process.argv.includes('--quick');
const reps = quick ? 1 : 3;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'numa-bench-results-'));
const mib = (b) => (b / 1048576).toFixed(1);

function best(fn) {
  let ms = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

/** Read + JSON.parse + validate, and the validation alone, for the result in `file`. */
function measure(label, file) {
  const text = readFileSync(file, 'utf8');
  const parseMs = best(() => JSON.parse(text));
  const data = JSON.parse(text);
  const validateMs = best(() => {
    if (!checkRunResult(data).ok) throw new Error(`${label} does not validate`);
  });
  const loadMs = best(() => loadResult(file));
  console.log(`  ${label.padEnd(34)} ${mib(statSync(file).size).padStart(6)} MiB   loadResult ${loadMs.toFixed(0).padStart(5)} ms   (JSON.parse ${parseMs.toFixed(0)} ms, validation ${validateMs.toFixed(0)} ms)`);
}

try {
  const example = path.join(root, 'examples/tiering.numa');
  const result = runScenarioSet(compile(readFileSync(example, 'utf8'), example).set);
  console.log(`result files (limit ${mib(MAX_RESULT_FILE_BYTES)} MiB), best of ${reps}:`);
  measure('tiering.numa', saveResult(tmp, 'tiering.numa-result.json', result));

  // The same variants repeated under new names until the file is near a size: the shape of a
  // long run with many variants.
  const target = quick ? 16 * 1048576 : 200 * 1048576;
  const one = Buffer.byteLength(JSON.stringify(result));
  const copies = Math.max(1, Math.floor(target / one));
  const big = { ...result, sweeps: [], variants: [] };
  for (let i = 0; i < copies; i++) for (const v of result.variants) big.variants.push({ ...v, name: `${v.name}-${i}` });
  measure(`tiering.numa x ${copies}`, saveResult(tmp, 'big.numa-result.json', big));

  const crafted = path.join(root, 'test/e2e/fixtures/crafted/length-2e8.numa-result.json');
  const refuse = (file) => best(() => {
    try {
      loadResult(file);
    } catch {
      return;
    }
    throw new Error(`${file} was accepted`);
  });
  console.log(`  refused: the 200-byte 2e8-length file in ${refuse(crafted).toFixed(2)} ms`);
  const huge = path.join(tmp, 'huge.numa-result.json');
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, MAX_RESULT_FILE_BYTES + 1);
  closeSync(fd);
  console.log(`  refused: a file 1 byte over the limit in ${refuse(huge).toFixed(2)} ms (by its size, unread)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
