// End-to-end tests in a real VS Code: code-server (VS Code 1.139 server + web workbench) with the
// packaged .vsix installed, driven by playwright-core and Debian's chromium.
//   1. package the extension with vsce and install it with `code-server --install-extension`;
//   2. per suite, start a private code-server on a free port, on a scratch copy of examples/ +
//      test/e2e/fixtures/ (the folder is named `workspace`, as the window title shows);
//   3. UI suites: every test/e2e/ui/*.test.js, each file on a fresh workbench page;
//   4. extension-host suites: out/test/extension/index.js runs mocha inside code-server's extension
//      host, reached through the smoke-test driver's ?payload= (what @vscode/test-electron does on
//      a desktop).
// Prints one `SUITE-RESULT <name> <passed> <failed>` line per suite for scripts/test.sh.
// Expects CS_BIN and NODE24_HOME (test/e2e/run.sh provisions them) and a fresh `npm run build` + tsc.
// Env: NUMA_E2E_SUITES=ui,exthost  NUMA_E2E_GREP=<regular expression on "<file> <test name>">
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { spawnSync } = require('node:child_process');
const { chromium } = require('playwright-core');
const { freePort, layout, installExtension, startCodeServer } = require('./lib/code-server');
const { Workbench } = require('./lib/workbench');
const { takeRegistered } = require('./lib/ui');

const REPO = path.resolve(__dirname, '..', '..');
const CACHE = process.env.NUMA_LAB_CACHE || path.join(os.homedir(), '.cache', 'numa-lab');
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'e2e');
const SUITES = (process.env.NUMA_E2E_SUITES || 'ui,exthost').split(',');
const GREP = process.env.NUMA_E2E_GREP || '';
const EXTHOST_TIMEOUT_MS = Number(process.env.NUMA_E2E_EXTHOST_TIMEOUT_MS || 300000);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const t0 = Date.now();
const log = (m) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}`);

/** Scratch folder for this run under the cache; run folders older than a day are swept. */
function makeRunDir() {
  const root = path.join(CACHE, 'runs');
  fs.mkdirSync(root, { recursive: true });
  for (const d of fs.readdirSync(root)) {
    const p = path.join(root, d);
    try { if (Date.now() - fs.statSync(p).mtimeMs > 86400000) fs.rmSync(p, { recursive: true, force: true }); } catch { /* raced */ }
  }
  return fs.mkdtempSync(path.join(root, 'e2e-'));
}

function packageVsix(runDir) {
  const out = path.join(runDir, 'numa-lab.vsix');
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  // Everything the extension runs is bundled into dist/ by esbuild, so no node_modules go in. The
  // README's links stay relative (there is no public repository URL to point them at).
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository',
    '--skip-license', '-o', out], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180000 });
  if (r.status !== 0) throw new Error(`vsce package failed:\n${r.stdout}${r.stderr}`);
  return out;
}

/** The folder the workbench opens: the examples plus the fixtures, copied so tests may edit them. */
function makeWorkspace(runDir, suite) {
  const ws = path.join(runDir, `workspace-${suite}`, 'workspace');
  fs.cpSync(path.join(REPO, 'examples'), ws, { recursive: true });
  const fixtures = path.join(__dirname, 'fixtures');
  if (fs.existsSync(fixtures)) fs.cpSync(fixtures, path.join(ws, 'fixtures'), { recursive: true });
  return ws;
}

async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

// ---------------------------------------------------------------------------------------------
// UI suites

async function runUiSuites(browser, server, workspace) {
  const dir = path.join(__dirname, 'ui');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort();
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const suite = file.replace(/\.test\.js$/, '');
    require(path.join(dir, file));
    const tests = takeRegistered().filter((t) => !GREP || new RegExp(GREP).test(`${suite} ${t.name}`));
    if (!tests.length) continue;
    console.log(`\n  ui/${suite}`);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const wb = new Workbench(page, { url: server.url, workspace, repo: REPO, artifactsDir: path.join(ARTIFACTS, suite) });
    let loadError = null;
    try {
      await wb.load();
    } catch (e) {
      loadError = e;
    }
    for (const t of tests) {
      const started = Date.now();
      let error = loadError;
      if (!error) {
        let timer;
        try {
          await Promise.race([
            t.fn(wb),
            new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${t.timeout} ms`)), t.timeout); }),
          ]);
        } catch (e) {
          error = e;
        } finally {
          clearTimeout(timer);
        }
      }
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (error) {
        failed++;
        console.log(`    FAIL ${t.name} (${secs}s)\n      ${String(error && error.stack || error).split('\n').slice(0, 6).join('\n      ')}`);
        await page.screenshot({ path: path.join(ARTIFACTS, suite, `FAIL-${t.name.replace(/[^\w.-]+/g, '-')}.png`) }).catch(() => {});
        await wb.closeWidgets().catch(() => {});
      } else {
        passed++;
        console.log(`    PASS ${t.name} (${secs}s)`);
      }
    }
    if (pageErrors.length) fs.writeFileSync(path.join(ARTIFACTS, suite, 'page-errors.log'), pageErrors.join('\n'));
    await context.close();
  }
  return { passed, failed };
}

// ---------------------------------------------------------------------------------------------
// Extension-host mocha suites

const NOISE = /open-vsx|getaddrinfo|AccountPolicyGate|socket|grace-time|builtin extensions cache|Service Worker|AgentHost|^\s+at /;

async function runExtensionHostSuites(browser, server, workspace) {
  const testsPath = path.join(REPO, 'out', 'test', 'extension', 'index.js');
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} is missing: run tsc first`);
  const context = await browser.newContext();
  const page = await context.newPage();
  const lines = [];
  let finish;
  const finished = new Promise((r) => { finish = r; });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    lines.push(line);
    if (process.env.VERBOSE || !NOISE.test(line)) console.log(`  ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish({ code }));
  const host = new URL(server.url).host; // the remote authority of the workbench page
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', `vscode-remote://${host}${REPO}`],
    ['extensionTestsPath', `vscode-remote://${host}${testsPath}`],
    ['skipWelcome', 'true'],
  ]);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
  const timer = setTimeout(() => finish({ code: 124, timedOut: true }), EXTHOST_TIMEOUT_MS);
  const res = await finished;
  clearTimeout(timer);
  await context.close();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'exthost.log'), lines.join('\n'));
  // test/extension/index.ts prints the mocha totals on one marked line.
  const marker = lines.map((l) => /NUMA-LAB-EXTHOST-RESULT (\{.*\})/.exec(l)).filter(Boolean).pop();
  const counts = marker ? JSON.parse(marker[1]) : { passed: 0, failed: 0 };
  if (res.timedOut) console.log(`  extension-host tests timed out after ${EXTHOST_TIMEOUT_MS} ms`);
  if (res.code !== 0 && counts.failed === 0) counts.failed = 1; // crashed, or never reported
  return counts;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const csBin = process.env.CS_BIN;
  const node24Home = process.env.NODE24_HOME;
  if (!csBin || !node24Home) throw new Error('CS_BIN and NODE24_HOME must be set (run test/e2e/run.sh)');
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const runDir = makeRunDir();
  const vsix = packageVsix(runDir);
  log(`packaged ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);
  log(installExtension(layout(runDir, csBin, node24Home), vsix));

  const results = [];
  let browser;
  let server;
  const stopServer = async () => {
    if (server) await server.stop();
    server = undefined;
  };
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    await stopServer();
    if (!process.env.NUMA_E2E_KEEP) fs.rmSync(runDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => cleanup().finally(() => process.exit(130)));
  process.once('SIGTERM', () => cleanup().finally(() => process.exit(143)));
  try {
    browser = await launchBrowser();
    // Each suite gets its own code-server, user data and copy of the workspace: the UI suites a
    // plain workbench, the extension-host suites one with the smoke-test driver.
    for (const suite of SUITES) {
      let counts;
      const logFile = path.join(ARTIFACTS, `code-server-${suite}.log`);
      try {
        const cs = layout(runDir, csBin, node24Home, suite);
        fs.copyFileSync(path.join(__dirname, 'lib', 'settings.json'), path.join(cs.dirs.userData, 'User', 'settings.json'));
        const workspace = makeWorkspace(runDir, suite);
        server = await startCodeServer(cs, { port: await freePort(), smokeTestDriver: suite === 'exthost', logFile });
        log(`${suite}: code-server up at ${server.url} (process group ${server.pid})`);
        if (suite === 'ui') counts = await runUiSuites(browser, server, workspace);
        else if (suite === 'exthost') counts = await runExtensionHostSuites(browser, server, workspace);
        else throw new Error(`unknown suite ${suite}`);
      } catch (e) {
        console.log(`  ${suite} crashed: ${e && e.stack || e}`);
        counts = { passed: 0, failed: 1 };
      } finally {
        await stopServer();
      }
      results.push([suite === 'ui' ? 'e2e-ui' : 'extension-host', counts]);
      log(`${suite}: ${counts.passed} passed, ${counts.failed} failed`);
    }
  } finally {
    await cleanup();
  }
  for (const [name, c] of results) console.log(`SUITE-RESULT ${name} ${c.passed} ${c.failed}`);
  log(`artifacts in ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}`);
  return results.every(([, c]) => c.failed === 0) ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e && e.stack || e);
  process.exit(2);
});
