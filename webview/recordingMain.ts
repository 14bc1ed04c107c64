// Entry point of dist/recording.js (and, from its CSS, dist/recording.css): the recording panel's
// page (src/host/recordingPanel.ts).
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import './style.css';
import './recording.css';
import { RecordingApp, type RecordingApi } from './recordingApp';
import type { RecordingState } from './recordingState';
import type { RecordingViewMessage } from '../src/shared/recordingView';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const api: RecordingApi = {
  postMessage: (m: RecordingViewMessage) => vscode.postMessage(m),
  getState: () => vscode.getState(),
  setState: (s: RecordingState) => vscode.setState(s),
};
new RecordingApp(document, document.getElementById('pm-mount') ?? document.body, api);
