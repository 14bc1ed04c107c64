// Entry point of dist/recording.js: the recording panel's page (src/host/recordingPanel.ts).
import type { RecordingViewMessage } from '../src/shared/recordingView';
import { RecordingView } from './recordingView';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
const view = new RecordingView(document, document.getElementById('pm-mount') ?? document.body, (m: RecordingViewMessage) => vscode.postMessage(m));
window.addEventListener('message', (e: MessageEvent) => view.receive(e.data));
