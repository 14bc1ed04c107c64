// A small stand-in for the `vscode` module, used by host tests through
// `vi.mock('vscode', () => import('./vscode-stub'))`. It implements just the API the
// host uses, records what the extension asked of the UI, and lets a test answer dialogs,
// change settings and drive a panel (messages in, visibility, disposal).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';

type Listener<T> = (e: T) => unknown;

export class Disposable {
  constructor(private readonly fn: () => void) {}
  dispose(): void {
    this.fn();
  }
  static from(...ds: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
}

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>): Disposable => {
    this.listeners.push(l);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((x) => x !== l);
    });
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query = '',
  ) {}
  static from(c: { scheme: string; authority?: string; path?: string; query?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '/', c.query ?? '');
  }
  static file(p: string): Uri {
    return new Uri('file', '', nodePath.posix.normalize(p));
  }
  static parse(s: string): Uri {
    const m = /^([a-z][a-z0-9+.-]*):(?:\/\/([^/]*))?(.*)$/i.exec(s);
    if (!m) throw new Error(`not a URI: ${s}`);
    return new Uri(m[1], m[2] ?? '', m[3] || '/');
  }
  static joinPath(u: Uri, ...parts: string[]): Uri {
    return new Uri(u.scheme, u.authority, nodePath.posix.join(u.path, ...parts));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString {
  isTrusted?: boolean;
  supportHtml?: boolean;
  constructor(
    public value = '',
    public supportThemeIcons = false,
  ) {}
  appendMarkdown(v: string): this {
    this.value += v;
    return this;
  }
  appendText(v: string): this {
    this.value += v.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
    return this;
  }
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}
export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

// ---------------------------------------------------------------- recorded UI

export interface StubStatusItem {
  id: string;
  alignment: StatusBarAlignment;
  priority: number | undefined;
  name?: string;
  text: string;
  tooltip?: string | MarkdownString;
  command?: string;
  backgroundColor?: ThemeColor;
  accessibilityInformation?: { label: string; role?: string };
  shown: boolean;
  disposed: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

export class FakePanel {
  visible = true;
  title: string;
  iconPath?: unknown;
  disposed = false;
  reveals = 0;
  /** Every message the host posted, as JSON would carry it. */
  readonly sent: Array<{ type: string; [k: string]: unknown }> = [];
  private readonly fromWeb = new EventEmitter<unknown>();
  private readonly viewState = new EventEmitter<unknown>();
  private readonly disposeEv = new EventEmitter<void>();
  readonly webview = {
    html: '',
    options: {} as Record<string, unknown>,
    cspSource: 'https://fake.vscode-cdn.net',
    asWebviewUri: (u: Uri) => Uri.parse(`https://fake.vscode-cdn.net${u.path}`),
    postMessage: async (m: unknown): Promise<boolean> => {
      if (this.disposed) return false;
      this.sent.push(JSON.parse(JSON.stringify(m)) as { type: string });
      return true;
    },
    onDidReceiveMessage: this.fromWeb.event,
  };
  readonly onDidChangeViewState = this.viewState.event;
  readonly onDidDispose = this.disposeEv.event;

  constructor(
    readonly viewType: string,
    title: string,
    readonly createOptions: Record<string, unknown> = {},
  ) {
    this.title = title;
  }
  reveal(): void {
    this.reveals++;
    if (!this.visible) this.setVisible(true);
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.visible = false;
    this.disposeEv.fire();
  }
  /** Test side: a message from the webview. */
  fromWebview(m: unknown): void {
    this.fromWeb.fire(m);
  }
  /** Test side: the panel was hidden or shown. */
  setVisible(v: boolean): void {
    this.visible = v;
    this.viewState.fire({ webviewPanel: this });
  }
  /** Messages of one type posted so far. */
  sentOf<T extends string>(type: T): Array<{ type: T; [k: string]: unknown }> {
    return this.sent.filter((m) => m.type === type) as Array<{ type: T; [k: string]: unknown }>;
  }
}

interface ConfigChange {
  affectsConfiguration(section: string): boolean;
}

type Answer = string | undefined | Promise<string | undefined>;

function makeStub() {
  return {
    config: new Map<string, unknown>(),
    /** Where each setting was written ([key, value, target]). */
    configWrites: [] as Array<[string, unknown, ConfigurationTarget | undefined]>,
    configEvents: new EventEmitter<ConfigChange>(),
    panels: [] as FakePanel[],
    statusItems: [] as StubStatusItem[],
    logs: [] as string[],
    commands: new Map<string, (...args: unknown[]) => unknown>(),
    serializers: new Map<string, { deserializeWebviewPanel(p: unknown, state: unknown): Promise<void> }>(),
    messages: [] as Array<{ level: 'info' | 'warning' | 'error'; message: string; options?: unknown; items: string[] }>,
    inputBoxes: [] as Array<Record<string, unknown>>,
    saveDialogs: [] as Array<Record<string, unknown>>,
    openDialogs: [] as Array<Record<string, unknown>>,
    quickPicks: [] as Array<{ items: Array<Record<string, unknown>>; options: Record<string, unknown> }>,
    /** Documents opened in an editor: their URI and text. */
    shownDocuments: [] as Array<{ uri: string; text: string }>,
    contentProviders: new Map<string, { provideTextDocumentContent(uri: Uri): string }>(),
    written: [] as Array<{ path: string; text: string }>,
    /** Answers to dialogs (defaults: dismissed). */
    answer: {
      info: (_m: string, _items: string[]): Answer => undefined,
      warning: (_m: string, _items: string[], _options?: unknown): Answer => undefined,
      error: (_m: string, _items: string[]): Answer => undefined,
      inputBox: (_o: Record<string, unknown>): Answer => undefined,
      saveDialog: (_o: Record<string, unknown>): Uri | undefined => undefined,
      openDialog: (_o: Record<string, unknown>): Uri[] | undefined => undefined,
      quickPick: (_items: Array<Record<string, unknown>>): Record<string, unknown> | undefined => undefined,
    },
    workspaceFolders: undefined as Array<{ uri: Uri; name: string; index: number }> | undefined,
    /** Change a setting "in the settings UI": stored, then the change event fires. */
    setConfig(key: string, value: unknown): void {
      if (value === undefined) this.config.delete(key);
      else this.config.set(key, value);
      this.configEvents.fire({ affectsConfiguration: (s) => key === s || key.startsWith(s + '.') });
    },
  };
}

export let stub = makeStub();

/** A fresh stub state (call in beforeEach). */
export function resetStub(): void {
  stub = makeStub();
}

// ---------------------------------------------------------------- the API

function split(itemsOrOptions: unknown[]): { options?: unknown; items: string[] } {
  const [first, ...rest] = itemsOrOptions;
  if (first !== undefined && typeof first === 'object') return { options: first, items: rest as string[] };
  return { items: itemsOrOptions as string[] };
}

function logger(name: string) {
  const line = (level: string) => (m: string | Error) => stub.logs.push(`[${level}] ${name}: ${m instanceof Error ? m.message : m}`);
  return {
    name,
    trace: line('trace'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    append: line('append'),
    appendLine: line('info'),
    show: () => stub.logs.push('[show]'),
    hide: () => undefined,
    clear: () => undefined,
    dispose: () => undefined,
  };
}

export const window = {
  createWebviewPanel(viewType: string, title: string, _show: unknown, options: Record<string, unknown> = {}): FakePanel {
    const p = new FakePanel(viewType, title, options);
    p.webview.options = options;
    stub.panels.push(p);
    return p;
  },
  createStatusBarItem(id: string, alignment: StatusBarAlignment, priority?: number): StubStatusItem {
    const item: StubStatusItem = {
      id,
      alignment,
      priority,
      text: '',
      shown: false,
      disposed: false,
      show() {
        this.shown = true;
      },
      hide() {
        this.shown = false;
      },
      dispose() {
        this.disposed = true;
        this.shown = false;
      },
    };
    stub.statusItems.push(item);
    return item;
  },
  createOutputChannel(name: string, _opts?: { log: true }) {
    return logger(name);
  },
  async showInformationMessage(message: string, ...rest: unknown[]): Promise<string | undefined> {
    const { options, items } = split(rest);
    stub.messages.push({ level: 'info', message, options, items });
    return stub.answer.info(message, items);
  },
  async showWarningMessage(message: string, ...rest: unknown[]): Promise<string | undefined> {
    const { options, items } = split(rest);
    stub.messages.push({ level: 'warning', message, options, items });
    return stub.answer.warning(message, items, options);
  },
  async showErrorMessage(message: string, ...rest: unknown[]): Promise<string | undefined> {
    const { options, items } = split(rest);
    stub.messages.push({ level: 'error', message, options, items });
    return stub.answer.error(message, items);
  },
  async showInputBox(o: Record<string, unknown> = {}): Promise<string | undefined> {
    stub.inputBoxes.push(o);
    return stub.answer.inputBox(o);
  },
  async showSaveDialog(o: Record<string, unknown> = {}): Promise<Uri | undefined> {
    stub.saveDialogs.push(o);
    return stub.answer.saveDialog(o);
  },
  async showOpenDialog(o: Record<string, unknown> = {}): Promise<Uri[] | undefined> {
    stub.openDialogs.push(o);
    return stub.answer.openDialog(o);
  },
  async showQuickPick<T extends Record<string, unknown>>(items: T[], options: Record<string, unknown> = {}): Promise<T | undefined> {
    stub.quickPicks.push({ items, options });
    return stub.answer.quickPick(items) as T | undefined;
  },
  async showTextDocument(doc: { uri: Uri; getText(): string }, _o?: unknown): Promise<unknown> {
    stub.shownDocuments.push({ uri: doc.uri.toString(), text: doc.getText() });
    return {};
  },
  registerWebviewPanelSerializer(viewType: string, s: { deserializeWebviewPanel(p: unknown, state: unknown): Promise<void> }): Disposable {
    stub.serializers.set(viewType, s);
    return new Disposable(() => stub.serializers.delete(viewType));
  },
};

export const workspace = {
  getConfiguration(section: string) {
    const full = (k: string) => `${section}.${k}`;
    return {
      get<T>(key: string, dflt?: T): T | undefined {
        return (stub.config.has(full(key)) ? stub.config.get(full(key)) : dflt) as T | undefined;
      },
      has(key: string): boolean {
        return stub.config.has(full(key));
      },
      inspect(key: string) {
        return { key: full(key), globalValue: stub.config.get(full(key)) };
      },
      async update(key: string, value: unknown, target?: ConfigurationTarget): Promise<void> {
        stub.configWrites.push([full(key), value, target]);
        stub.setConfig(full(key), value);
      },
    };
  },
  onDidChangeConfiguration(l: Listener<ConfigChange>): Disposable {
    return stub.configEvents.event(l);
  },
  registerTextDocumentContentProvider(scheme: string, p: { provideTextDocumentContent(uri: Uri): string }): Disposable {
    stub.contentProviders.set(scheme, p);
    return new Disposable(() => stub.contentProviders.delete(scheme));
  },
  async openTextDocument(uri: Uri): Promise<{ uri: Uri; getText(): string }> {
    const p = stub.contentProviders.get(uri.scheme);
    if (!p) throw new Error(`no content provider for ${uri.scheme}`);
    const text = p.provideTextDocumentContent(uri);
    return { uri, getText: () => text };
  },
  get workspaceFolders() {
    return stub.workspaceFolders;
  },
  fs: {
    async writeFile(uri: Uri, bytes: Uint8Array): Promise<void> {
      writeFileSync(uri.fsPath, bytes);
      stub.written.push({ path: uri.fsPath, text: new TextDecoder().decode(bytes) });
    },
    async readFile(uri: Uri): Promise<Uint8Array> {
      return new Uint8Array(readFileSync(uri.fsPath));
    },
    async stat(uri: Uri): Promise<{ size: number; type: number }> {
      const st = statSync(uri.fsPath);
      return { size: st.size, type: st.isDirectory() ? 2 : 1 };
    },
  },
};

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    stub.commands.set(id, fn);
    return new Disposable(() => stub.commands.delete(id));
  },
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    const fn = stub.commands.get(id);
    if (!fn) throw new Error(`command '${id}' not found`);
    return fn(...args);
  },
};
