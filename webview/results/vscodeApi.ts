// The webview's handle on VS Code, typed with the shared protocol.

import type { FromWebview, WebviewState } from '../../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called once per page load.
export const vscode: VsCodeApi = acquireVsCodeApi();
