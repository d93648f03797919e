// Starts and stops a private code-server (the real VS Code 1.139 server + web workbench) for the
// end-to-end suites. Every run gets its own user-data, extensions and XDG folders, so tests never
// see an engineer's own settings and two runs on one machine do not collide.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

/** A free TCP port on 127.0.0.1 (the kernel picks; we release it just before code-server binds). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Folders and environment of a code-server instance rooted at `runDir`. Instances of one run share
 * the extensions folder (the .vsix is installed once) but each `profile` has its own user data, so
 * one suite's open editors and state never leak into the next.
 */
function layout(runDir, csBin, node24Home, profile = 'default') {
  const dirs = {
    root: runDir,
    userData: path.join(runDir, 'user-data', profile),
    extensions: path.join(runDir, 'extensions'),
    xdg: path.join(runDir, 'xdg'),
    tmp: path.join(runDir, 'tmp'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  const env = {
    ...process.env,
    PATH: `${node24Home}/bin:${process.env.PATH}`,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    TMPDIR: dirs.tmp,
  };
  const baseArgs = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  return { csBin, profile, dirs, env, baseArgs };
}

/** Installs a .vsix the way a user would, with `code-server --install-extension`. */
function installExtension(cs, vsixPath) {
  const r = spawnSync(cs.csBin, [...cs.baseArgs, '--install-extension', vsixPath],
    { env: cs.env, encoding: 'utf8', timeout: 120000 });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server --install-extension failed (status ${r.status}):\n${out}`);
  }
  return out.trim().split('\n').pop();
}

/**
 * Starts code-server in its own process group on 127.0.0.1:port and waits for /healthz.
 * `smokeTestDriver` lets the workbench honour ?payload=[[extensionTestsPath,..]], which is how the
 * extension-host mocha suites run. Only for those: in that mode the workbench never shows
 * notification toasts and answers every dialog with Cancel, which UI tests must see as a user does.
 */
async function startCodeServer(cs, { port, smokeTestDriver = false, logFile }) {
  const config = path.join(cs.dirs.root, `config-${cs.profile}.yaml`);
  fs.writeFileSync(config, [
    `bind-addr: 127.0.0.1:${port}`, 'auth: none', 'cert: false',
    'disable-telemetry: true', 'disable-update-check: true', '',
  ].join('\n'));
  const args = ['--config', config, ...cs.baseArgs, '--disable-workspace-trust',
    '--reconnection-grace-time', '10'];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const log = fs.openSync(logFile, 'a');
  // detached: a new session and process group, so stop() can end code-server and every
  // extension host / pty it forked, and nothing lingers after the tests.
  const child = spawn(cs.csBin, args, { env: cs.env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (exited) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  };

  const deadline = Date.now() + 60000;
  for (;;) {
    if (exited) throw new Error(`code-server exited during start-up (${JSON.stringify(exited)}); see ${logFile}`);
    if (await healthy(url)) break;
    if (Date.now() > deadline) { await stop(); throw new Error(`code-server did not answer /healthz in 60 s; see ${logFile}`); }
    await sleep(200);
  }
  return { url, port, pid: child.pid, stop };
}

async function healthy(url) {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { freePort, layout, installExtension, startCodeServer, sleep };
