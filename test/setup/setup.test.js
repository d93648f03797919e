// The README's set-up commands on a fresh machine. scripts/test.sh runs this suite before the
// real-VS-Code suites, with NUMA_LAB_CACHE pointing at an empty folder (NUMA_LAB_FRESH_CACHE=1), so
// every CI run provisions code-server and Node 24 from nothing, through `npm run` as a user does,
// and the later suites reuse what it installed. Then `npm start` must serve the workbench on a
// scratch copy of the examples and leave the clone exactly as it was.
'use strict';
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('../e2e/lib/code-server');

const REPO = path.resolve(__dirname, '..', '..');
const CACHE = process.env.NUMA_LAB_CACHE || path.join(os.homedir(), '.cache', 'numa-lab');
const env = { ...process.env, NUMA_LAB_CACHE: CACHE, NPM_CONFIG_UPDATE_NOTIFIER: 'false' };

/** Runs a command to completion without blocking the event loop; resolves {status, out}. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO, env, ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (status) => resolve({ status, out }));
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    http.get(url, (res) => { res.resume(); resolve(res.statusCode); }).on('error', () => resolve(0));
  });
}

const gitStatus = () => spawnSync('git', ['status', '--porcelain', '--ignored=matching', '--untracked-files=all', '--', 'examples'],
  { cwd: REPO, encoding: 'utf8' }).stdout;
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('set-up on a fresh machine', function () {
  this.timeout(20 * 60 * 1000);

  it('npm run setup:editor installs Node 24 and code-server into an empty cache', async function () {
    if (process.env.NUMA_LAB_FRESH_CACHE !== '1') this.skip(); // a developer's warm cache: nothing to prove
    assert.deepEqual(fs.readdirSync(CACHE), [], `${CACHE} starts empty`);
    // Through npm, as the README's commands go: npm exports npm_config_user_agent naming the
    // machine's Node 20, which code-server's postinstall once took for its own Node.
    const r = await run('npm', ['run', '--silent', 'setup:editor']);
    assert.equal(r.status, 0, r.out.slice(-3000));
    assert.match(r.out, /code-server 4\.\d+\.\d+ on Node v24\./);
  });

  it('the provisioned code-server starts under its Node 24 and answers --version', async () => {
    const nodeBin = spawnSync('bash', ['-c', 'source test/e2e/lib/provision.sh && provision_node24 && echo "$NODE24_HOME"'],
      { cwd: REPO, env, encoding: 'utf8' }).stdout.trim();
    const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-lab-xdg-'));
    try {
      const r = await run(path.join(CACHE, 'code-server', 'node_modules', '.bin', 'code-server'), ['--version'], {
        env: { ...env, PATH: `${nodeBin}/bin:${process.env.PATH}`, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg },
      });
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /^4\.\d+\.\d+ /m);
    } finally {
      fs.rmSync(xdg, { recursive: true, force: true });
    }
  });

  it('npm start serves the workbench on a scratch copy of the examples, keeps the user\'s edits, and leaves the clone untouched', async () => {
    const before = gitStatus();
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-lab-start-'));
    // A user's earlier session: zone-reclaim.numa copied, then edited; the manifest remembers the copy.
    const edited = '# my own experiment\n' + fs.readFileSync(path.join(REPO, 'examples', 'zone-reclaim.numa'), 'utf8');
    fs.writeFileSync(path.join(workspace, 'zone-reclaim.numa'), edited);
    fs.writeFileSync(path.join(workspace, '.numa-lab-copied'), `${sha256(path.join(REPO, 'examples', 'zone-reclaim.numa'))} zone-reclaim.numa\n`);
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, NUMA_LAB_PORT: String(port), NUMA_LAB_WORKSPACE: workspace },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      // Wait on states: the printed URL, then the server's health endpoint.
      const deadline = Date.now() + 5 * 60 * 1000;
      let url = '';
      while (!url) {
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(out);
        if (m) url = m[1];
        else if (child.exitCode !== null) assert.fail(`npm start exited ${child.exitCode}:\n${out.slice(-3000)}`);
        else if (Date.now() > deadline) assert.fail(`npm start printed no URL:\n${out.slice(-3000)}`);
        else await new Promise((r) => setTimeout(r, 200));
      }
      const folder = new URL(url).searchParams.get('folder');
      assert.equal(folder, workspace, 'the workbench opens the scratch copy');
      assert.ok(!path.resolve(folder).startsWith(REPO + path.sep), 'the workspace lies outside the clone');
      let health = 0;
      while (health !== 200 && Date.now() < deadline && child.exitCode === null) {
        health = await httpStatus(`http://127.0.0.1:${port}/healthz`);
        if (health !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(health, 200, `code-server answers /healthz:\n${out.slice(-2000)}`);
      assert.equal(await httpStatus(url), 200, 'the workbench page loads');
      for (const f of fs.readdirSync(path.join(REPO, 'examples')).filter((n) => n.endsWith('.numa'))) {
        assert.ok(fs.existsSync(path.join(workspace, f)), `${f} is in the scratch workspace`);
      }
      assert.equal(fs.readFileSync(path.join(workspace, 'zone-reclaim.numa'), 'utf8'), edited, 'an edited scratch file is kept');
    } finally {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      fs.rmSync(workspace, { recursive: true, force: true });
    }
    assert.equal(gitStatus(), before, 'examples/ in the clone is exactly as before');
  });
});
