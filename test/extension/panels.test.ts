// The results panel inside a real extension host, fed what validation normally keeps out: a
// model that throws while the panel answers the webview's `ready` (it used to leave the panel
// waiting forever) and webview messages that name a folder for an export.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { ResultsPanel, type PanelHost } from '../../src/extension/panels/resultsPanel';
import type { PanelModel } from '../../src/protocol/messages';
import { compile } from '../../src/language/index';
import { runScenarioSet } from '../../src/core/index';
import { EXAMPLES, activateExtension, closeAllEditors, waitFor } from './helpers';

describe('results panel', () => {
  let tmp: string;
  let output: vscode.OutputChannel;
  let host: PanelHost;
  before(async () => {
    const ext = await activateExtension();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-exthost-panel-'));
    output = vscode.window.createOutputChannel('NUMA Lab panel test');
    host = { extensionUri: ext.extensionUri, output, exportDirFor: () => path.join(tmp, 'exports') };
  });
  after(() => {
    output.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(closeAllEditors);

  function open(model: PanelModel): ResultsPanel {
    const wp = vscode.window.createWebviewPanel('numaLab.test', model.title, vscode.ViewColumn.Active, {});
    return new ResultsPanel(wp, model, host);
  }

  it('shows an error state when answering the webview throws', async () => {
    // A series without node lists: what the no-nodes fixture held before files were validated.
    const bad = { title: 'unvalidated', resultPaths: [], result: { scenario: 'x', seed: 0, version: '', sweeps: [], variants: [{ name: 'v', summary: {}, series: { t_ms: [1] }, events: [] }] } };
    const panel = open(bad as unknown as PanelModel);
    const error = await waitFor('the panel to show an error', () => panel.current.live?.error, 30000);
    assert.match(error, /^The panel could not show this result: /);
    assert.strictEqual(panel.current.result.variants.length, 0, 'the bad result is dropped');
    panel.dispose();
  });

  it('ignores an export message that names a folder, and exports into the folder it picks', async () => {
    const file = path.join(EXAMPLES, 'zone-reclaim.numa');
    const result = runScenarioSet(compile(fs.readFileSync(file, 'utf8'), file).set!);
    const panel = open({ title: 'zone', resultPaths: [], result });
    const receive = (m: unknown): void => (panel as unknown as { receive(m: unknown): void }).receive(m);
    const elsewhere = path.join(tmp, 'elsewhere');
    receive({ type: 'export', formats: ['json'], dir: elsewhere });
    receive({ type: 'export', formats: ['json'] });
    const exports = path.join(tmp, 'exports');
    const written = await waitFor('the JSON export', () => fs.existsSync(exports) && fs.readdirSync(exports), 10000);
    assert.deepStrictEqual(written, ['zone-reclaim-mode-versus-membind.json']);
    assert.strictEqual(fs.existsSync(elsewhere), false, 'an export went to the folder the message named');
    panel.dispose();
  });
});
