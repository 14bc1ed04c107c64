// What the panel needs from its page: VS Code's webview API, and hooks for tests and benchmarks.
import type { WebviewMessage } from '../src/shared/webviewProtocol';
import type { SparkDraw } from './chart';
import type { PersistedState } from './state';

/** What acquireVsCodeApi() gives, typed to our messages and state. */
export interface WebviewApi {
  postMessage(m: WebviewMessage): void;
  getState(): unknown;
  setState(s: PersistedState): void;
}

/** Options for tests and benchmarks. */
export interface AppHooks {
  /** Replaces the canvas drawing of a sparkline. */
  drawSpark?: SparkDraw;
  /** Runs a callback before the next frame (default requestAnimationFrame; tests: at once). */
  nextFrame?: (cb: () => void) => void;
}
