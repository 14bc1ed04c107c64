// Entry point of dist/webview.js (browser, bundled by esbuild with its CSS into dist/webview.css).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import './style.css';
import './cgroupView.css';
import type { WebviewMessage } from '../src/shared/webviewProtocol';
import { PanelApp, type WebviewApi } from './app';
import type { PersistedState } from './state';

interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeWebviewApi;

const vscode = acquireVsCodeApi();
const api: WebviewApi = {
  postMessage: (m: WebviewMessage) => vscode.postMessage(m),
  getState: () => vscode.getState(),
  setState: (s: PersistedState) => vscode.setState(s),
};

const mount = document.getElementById('pm-mount') ?? document.body;
new PanelApp(document, mount, api);
