// The one panel at a time: opening it (or revealing the open one), taking back the panel
// the serializer restores after a reload, and telling the controller when it is shown,
// hidden, closed, or sends a message.
import * as vscode from 'vscode';
import type { HostMessage } from '../shared/webviewProtocol';
import { createPanel, preparePanel, type PanelLike } from './panel';

export interface SlotEvents {
  /** A panel arrived, visible or not. */
  attached(visible: boolean): void;
  /** The panel became visible again. */
  shown(): void;
  /** The panel was hidden: its document is gone (no retainContextWhenHidden). */
  hidden(): void;
  /** The panel was closed. */
  closed(): void;
  message(raw: unknown): void;
}

export class PanelSlot {
  private panel: PanelLike | null = null;
  private subs: vscode.Disposable[] = [];
  private wasVisible = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly events: SlotEvents,
    /** Default: a new vscode.WebviewPanel. */
    private readonly create?: () => PanelLike,
  ) {}

  get open(): boolean {
    return this.panel !== null;
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Open the panel, or reveal the one that is open. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = this.create ? this.create() : createPanel(this.extensionUri);
    if (this.create) preparePanel(panel, this.extensionUri);
    this.attach(panel);
  }

  /** Take a panel the serializer restored (dropped when one is open already). */
  restore(panel: PanelLike): void {
    if (this.panel) {
      panel.dispose();
      this.panel.reveal(undefined, false);
      return;
    }
    preparePanel(panel, this.extensionUri);
    this.attach(panel);
  }

  post(m: HostMessage): void {
    this.panel?.webview.postMessage(m).then(undefined, () => undefined);
  }

  /** Close the panel (its `closed` event follows). */
  close(): void {
    const p = this.panel;
    if (!p) return;
    this.detach();
    p.dispose();
  }

  private attach(panel: PanelLike): void {
    this.panel = panel;
    this.subs = [
      panel.webview.onDidReceiveMessage((m) => this.events.message(m)),
      panel.onDidChangeViewState(() => this.onViewState()),
      panel.onDidDispose(() => this.detach()),
    ];
    this.wasVisible = panel.visible;
    this.events.attached(panel.visible);
  }

  private onViewState(): void {
    if (!this.panel) return;
    const was = this.wasVisible;
    this.wasVisible = this.panel.visible;
    if (this.panel.visible && !was) this.events.shown();
    else if (!this.panel.visible && was) this.events.hidden();
  }

  private detach(): void {
    if (!this.panel) return;
    for (const d of this.subs) d.dispose();
    this.subs = [];
    this.panel = null;
    this.events.closed();
  }
}
