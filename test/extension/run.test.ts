// Running inside a real extension host: the run command uses a pool of worker threads, as many as
// numaLab.jobs says (the host's event loop stays free), saves a result identical to the core's
// whatever their number, refuses a file with errors, and cancel stops every thread (bench/cancel.mjs measures how fast: ~10 ms; here only a bound a
// loaded 2-core machine always keeps).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { RunCommands } from '../../src/extension/run/ids';
import type { RunOutcome } from '../../src/extension/run/runner';
import { compile } from '../../src/language/index';
import { runScenarioSet } from '../../src/core/index';
import { REPO, closeAllEditors, openExample, openText } from './helpers';

const LONG = path.join(REPO, 'test', 'e2e', 'fixtures', 'run-long.numa');

describe('run', () => {
  let resultsDir: string;
  before(async () => {
    resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-exthost-results-'));
    await vscode.workspace.getConfiguration().update('numaLab.resultsDirectory', resultsDir, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration().update('numaLab.resultsDirectory', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(resultsDir, { recursive: true, force: true });
  });
  afterEach(closeAllEditors);

  it('registers the run commands', async () => {
    await openExample('zone-reclaim.numa');
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.values(RunCommands)) assert.ok(all.has(id), `command ${id} is not registered`);
  });

  it('runs an example and saves the core\'s result', async () => {
    const editor = await openExample('zone-reclaim.numa');
    const outcome = (await vscode.commands.executeCommand(RunCommands.runScenario)) as RunOutcome;
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome).slice(0, 300));
    if (outcome.status !== 'done') return;
    assert.ok(outcome.resultPath.startsWith(resultsDir), outcome.resultPath);
    const saved = JSON.parse(fs.readFileSync(outcome.resultPath, 'utf8'));
    const expected = runScenarioSet(compile(editor.document.getText(), editor.document.fileName).set!);
    assert.deepStrictEqual(saved, JSON.parse(JSON.stringify(expected)));
  });

  it('simulates in a worker thread: the host\'s event loop keeps turning through a one-second variant', async () => {
    const document = await vscode.workspace.openTextDocument(LONG);
    await vscode.window.showTextDocument(document);
    let last = Date.now();
    let worstGap = 0;
    const timer = setInterval(() => {
      const now = Date.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const started = Date.now();
    const outcome = (await vscode.commands.executeCommand(RunCommands.runVariant, document.uri, 'base')) as RunOutcome;
    const wall = Date.now() - started;
    clearInterval(timer);
    assert.strictEqual(outcome.status, 'done');
    console.log(`      a ${wall} ms run; worst event-loop gap on the extension host ${worstGap} ms`);
    // On the main thread the gap would be the whole simulation (about a second).
    assert.ok(worstGap < Math.max(300, wall / 2), `the extension host's event loop stalled for ${worstGap} ms of a ${wall} ms run`);
  });

  it('runs one variant', async () => {
    const editor = await openExample('thp-numa.numa');
    const outcome = (await vscode.commands.executeCommand(RunCommands.runVariant, editor.document.uri, 'thisnode')) as RunOutcome;
    assert.strictEqual(outcome.status, 'done');
    if (outcome.status === 'done') assert.deepStrictEqual(outcome.result.variants.map((v) => v.name), ['thisnode']);
  });

  it('does not run a file with errors and publishes why', async () => {
    const editor = await openText('scenario "broken"\nkernel {\n  vm.zone_reclam_mode = 1\n}\n');
    const outcome = (await vscode.commands.executeCommand(RunCommands.runScenario, editor.document.uri)) as RunOutcome;
    assert.strictEqual(outcome.status, 'refused', `${JSON.stringify(outcome).slice(0, 300)} for ${JSON.stringify(editor.document.getText())}`);
    const diags = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(diags.some((d) => d.message.includes('zone_reclam_mode')), JSON.stringify(diags.map((d) => d.message)));
  });

  it('runs the variants on numaLab.jobs threads (0: the cores), with the same result', async () => {
    const editor = await openExample('thp-numa.numa');
    const outcomes: RunOutcome[] = [];
    try {
      for (const jobs of [1, 2, 0]) {
        await vscode.workspace.getConfiguration().update('numaLab.jobs', jobs, vscode.ConfigurationTarget.Global);
        outcomes.push((await vscode.commands.executeCommand(RunCommands.runScenario, editor.document.uri)) as RunOutcome);
      }
    } finally {
      await vscode.workspace.getConfiguration().update('numaLab.jobs', undefined, vscode.ConfigurationTarget.Global);
    }
    const done = outcomes.map((o) => (o.status === 'done' ? o : assert.fail(`a run ended ${o.status}`)));
    assert.deepStrictEqual(done.map((o) => o.threads), [1, 2, Math.min(3, os.availableParallelism())]);
    const bytes = done.map((o) => fs.readFileSync(o.resultPath, 'utf8'));
    assert.strictEqual(bytes[1], bytes[0]);
    assert.strictEqual(bytes[2], bytes[0]);
  });

  it('cancel stops every thread of a long run and saves nothing', async () => {
    const document = await vscode.workspace.openTextDocument(LONG);
    await vscode.window.showTextDocument(document);
    const before = fs.readdirSync(resultsDir).length;
    const running = vscode.commands.executeCommand(RunCommands.runScenario, document.uri) as Thenable<RunOutcome>;
    await new Promise((r) => setTimeout(r, 1500));
    const cancelled = await vscode.commands.executeCommand(RunCommands.cancelRun);
    assert.strictEqual(cancelled, true, 'the run was still going after 1.5 s: make the fixture longer');
    const outcome = await running;
    assert.strictEqual(outcome.status, 'cancelled');
    if (outcome.status === 'cancelled') {
      console.log(`      ${outcome.threads} worker threads stopped ${outcome.cancelMs.toFixed(1)} ms after cancel`);
      assert.ok(outcome.threads >= Math.min(2, os.availableParallelism()), `${outcome.threads} threads`);
      // A hung worker would take forever; a slow machine takes tens of ms. The figure is bench/cancel.mjs's.
      assert.ok(outcome.cancelMs < 2000, `the worker took ${outcome.cancelMs.toFixed(1)} ms to stop`);
    }
    assert.strictEqual(fs.readdirSync(resultsDir).length, before, 'a cancelled run saves no result');
  });
});
