// The webview panel itself: its options, HTML (CSP with a nonce, asWebviewUri) and the
// shape the controller needs, so tests can drive the controller with the vscode stub.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export const VIEW_TYPE = 'pmemstat.panel';
export const PANEL_TITLE = 'pmemstat';

/** What the controller uses of a vscode.WebviewPanel. */
export interface PanelLike {
  readonly webview: {
    html: string;
    options: vscode.WebviewOptions;
    readonly cspSource: string;
    asWebviewUri(uri: vscode.Uri): vscode.Uri;
    postMessage(message: unknown): Thenable<boolean>;
    onDidReceiveMessage: vscode.Event<unknown>;
  };
  readonly visible: boolean;
  title: string;
  iconPath?: vscode.Uri | { light: vscode.Uri; dark: vscode.Uri };
  reveal(viewColumn?: vscode.ViewColumn, preserveFocus?: boolean): void;
  onDidChangeViewState: vscode.Event<unknown>;
  onDidDispose: vscode.Event<void>;
  dispose(): void;
}

/** A nonce for the CSP: 32 characters of [A-Za-z0-9]. */
export function makeNonce(): string {
  return randomBytes(24).toString('base64').replace(/[^A-Za-z0-9]/g, 'A').slice(0, 32);
}

/** Webview options: scripts on, only dist/ and media/ readable, no retainContextWhenHidden. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export interface HtmlParts {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The page: a strict CSP (no network, scripts only with the nonce, styles from the
 * extension plus the constructed/inline styles the web components need), one script.
 */
export function panelHtml(p: HtmlParts): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data:`,
    `font-src ${p.cspSource}`,
    `style-src ${p.cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(p.styleUri)}">
<title>pmemstat</title>
</head>
<body>
<div id="pm-mount"></div>
<script nonce="${escapeAttr(p.nonce)}" src="${escapeAttr(p.scriptUri)}"></script>
</body>
</html>`;
}

/** Set up a panel (new, or restored by the serializer) with our options and page. */
export function preparePanel(panel: PanelLike, extensionUri: vscode.Uri): void {
  panel.webview.options = webviewOptions(extensionUri);
  panel.title = PANEL_TITLE;
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  panel.webview.html = panelHtml({
    cspSource: panel.webview.cspSource,
    nonce: makeNonce(),
    scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
  });
}

export function createPanel(extensionUri: vscode.Uri): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    VIEW_TYPE,
    PANEL_TITLE,
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    { ...webviewOptions(extensionUri), retainContextWhenHidden: false },
  );
  preparePanel(panel, extensionUri);
  return panel;
}

/** The page shown instead of the panel where it cannot work (not Linux). */
export function unsupportedHtml(platform: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>pmemstat</title></head>
<body style="font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1em">
<p>pmemstat reads <code>/proc</code> and needs a Linux extension host; this one runs on ${escapeAttr(platform)}.</p>
<p>Open a folder on a Linux machine (Remote-SSH, WSL, Dev Containers or Codespaces) to use it there.</p>
</body></html>`;
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A page of a few lines of text and nothing else (no script): why a panel shows nothing. */
export function noticeHtml(title: string, lines: readonly string[]): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeText(title)}</title></head>
<body style="font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1em">
${lines.map((l) => `<p>${escapeText(l)}</p>`).join('\n')}
</body></html>`;
}
