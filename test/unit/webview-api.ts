// The webview's boundary to the host in the panel tests: acquireVsCodeApi() as a recorder
// of the messages posted and the state persisted (a JSON round trip, as VS Code stores it).
import type { WebviewMessage } from '../../src/shared/webviewProtocol';
import type { WebviewApi } from '../../webview/app';
import type { PersistedState } from '../../webview/state';

export class RecordingApi implements WebviewApi {
  posted: WebviewMessage[] = [];
  state: unknown;
  constructor(state?: unknown) {
    this.state = state;
  }
  postMessage(m: WebviewMessage): void {
    this.posted.push(m);
  }
  getState(): unknown {
    return this.state;
  }
  setState(s: PersistedState): void {
    this.state = JSON.parse(JSON.stringify(s));
  }
  /** The messages of one type, in order. */
  of<T extends WebviewMessage['type']>(type: T): Extract<WebviewMessage, { type: T }>[] {
    return this.posted.filter((m) => m.type === type) as Extract<WebviewMessage, { type: T }>[];
  }
}
