// activate/deactivate only: wire the commands, the status bar, the panel serializer
// and the helper launcher together. Everything with logic lives in src/host/.
import * as vscode from 'vscode';
import { detectGraphicalSession, launchHelper } from './host/launcher';
import { openRecording, RECORDING_VIEW_TYPE, restoreRecording, type RecordingDeps } from './host/recordingPanel';
import { OomNotifier } from './host/oomNotifier';
import { createLog, type Log } from './host/log';
import { unsupportedHtml, VIEW_TYPE } from './host/panel';
import type { LaunchFn } from './host/helperSession';
import { PanelController } from './host/panelController';
import { SettingsStore } from './host/settings';
import { StatusBarController } from './host/statusBar';

export const COMMANDS = {
  open: 'pmemstat.open',
  refresh: 'pmemstat.refresh',
  runAsRoot: 'pmemstat.runAsRoot',
  runAsUser: 'pmemstat.runAsUser',
  exportSnapshot: 'pmemstat.exportSnapshot',
  exportGroupHistory: 'pmemstat.exportGroupHistory',
  compareSnapshot: 'pmemstat.compareSnapshot',
  showLog: 'pmemstat.showLog',
  openRecording: 'pmemstat.openRecording',
} as const;

export function isSupportedPlatform(platform: string): boolean {
  return platform === 'linux';
}

/** The launch function of production: the bundled dist/sampler.js, run by this host's own Node. */
export function defaultLaunch(context: vscode.ExtensionContext, log: Log): LaunchFn {
  const helperScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'sampler.js').fsPath;
  return ({ elevate, runAsUser, ui }) =>
    launchHelper({
      helperScript,
      nodePath: process.execPath,
      isElectron: !!process.versions.electron,
      runAsUser,
      elevate,
      ui,
      // A graphical password dialog only makes sense where the user sits: never over
      // Remote-SSH, WSL or in a container, whatever DISPLAY says there.
      hasGraphicalSession: !vscode.env.remoteName && detectGraphicalSession(),
      clientLog: (m) => log.warn(`helper: ${m}`),
    });
}

export interface ActivateOptions {
  platform?: string;
  /** Replaces the real launcher (tests). */
  launch?: LaunchFn;
  /** Root of /proc for the status bar (tests). */
  procRoot?: string;
}

export interface Api {
  controller: PanelController | null;
  statusBar: StatusBarController | null;
}

function activateUnsupported(context: vscode.ExtensionContext, log: Log, platform: string): Api {
  const message = `pmemstat needs a Linux extension host (it reads /proc); this one runs on ${platform}. Open a Linux machine with Remote-SSH, WSL or Dev Containers to use it there.`;
  log.info(message);
  for (const id of Object.values(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, () => {
        if (id === COMMANDS.showLog) log.show();
        else void vscode.window.showInformationMessage(message);
      }),
    );
  }
  for (const viewType of [VIEW_TYPE, RECORDING_VIEW_TYPE])
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(viewType, {
        async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
          panel.webview.options = { enableScripts: false };
          panel.webview.html = unsupportedHtml(platform);
        },
      }),
    );
  return { controller: null, statusBar: null };
}

export function activateWith(context: vscode.ExtensionContext, opts: ActivateOptions = {}): Api {
  const began = performance.now();
  const log = createLog();
  context.subscriptions.push(log);
  const platform = opts.platform ?? process.platform;
  if (!isSupportedPlatform(platform)) return activateUnsupported(context, log, platform);

  const settings = new SettingsStore();
  const statusBar = new StatusBarController(settings.statusBar, log, opts.procRoot);
  const oom = new OomNotifier({ log, procRoot: opts.procRoot });
  statusBar.setLeakWarning(settings.leak.statusBarWarning);
  const pkg = context.extension?.packageJSON as { version?: unknown } | undefined;
  const controller = new PanelController({
    extensionUri: context.extensionUri,
    launch: opts.launch ?? defaultLaunch(context, log),
    settings,
    log,
    version: typeof pkg?.version === 'string' ? pkg.version : '0.0.0',
    onTopGroups: (top) => {
      statusBar.setTopGroups(top);
      if (top) void oom.check(top.rows);
    },
    onLeaks: (leaks) => {
      statusBar.setLeaks(leaks);
      void oom.leaks(leaks);
    },
  });
  statusBar.onRefresh = () => void oom.check();
  const recordingDeps: RecordingDeps = {
    extensionUri: context.extensionUri,
    launch: opts.launch ?? defaultLaunch(context, log),
    runAsUser: () => settings.runAsUser,
    groupBy: () => settings.panel.groupBy,
    log,
  };
  context.subscriptions.push(
    settings,
    statusBar,
    controller,
    settings.onDidChange((c) => {
      if (c.statusBar) statusBar.update(settings.statusBar);
      if (c.leak) statusBar.setLeakWarning(settings.leak.statusBarWarning);
    }),
    vscode.commands.registerCommand(COMMANDS.open, () => controller.open()),
    vscode.commands.registerCommand(COMMANDS.refresh, () => controller.refresh()),
    vscode.commands.registerCommand(COMMANDS.runAsRoot, () => controller.runAsRoot()),
    vscode.commands.registerCommand(COMMANDS.runAsUser, () => controller.runAsUser()),
    vscode.commands.registerCommand(COMMANDS.exportSnapshot, () => controller.exportSnapshot()),
    vscode.commands.registerCommand(COMMANDS.exportGroupHistory, (key?: unknown) =>
      controller.exportGroupHistory(typeof key === 'string' ? key : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.compareSnapshot, (uri?: unknown) =>
      controller.compareSnapshot(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()),
    // (uri, at, kill): the notifications' action opens the recording at that moment, or (kill) at
    // the moment of the OOM kill noticed then.
    vscode.commands.registerCommand(COMMANDS.openRecording, (uri?: unknown, at?: unknown, kill?: unknown) =>
      openRecording(recordingDeps, uri instanceof vscode.Uri ? uri : undefined).then(async (p) => {
        if (p) context.subscriptions.push({ dispose: () => p.dispose() });
        if (p && typeof at === 'number' && Number.isSafeInteger(at) && at >= 0) await p.seek(at, kill === true);
        return p;
      }),
    ),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        controller.restore(panel);
      },
    }),
    // A recording panel open before a window reload: the same recording, moment and grouping.
    vscode.window.registerWebviewPanelSerializer(RECORDING_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const p = await restoreRecording(recordingDeps, panel, state);
        if (p) context.subscriptions.push({ dispose: () => p.dispose() });
      },
    }),
  );
  // Activation does no I/O but the status bar's first (asynchronous) read: the helper starts
  // with the panel, sudo is probed only when asked. The e2e suite checks this figure.
  log.info(`pmemstat activated in ${(performance.now() - began).toFixed(1)} ms (${platform}, node ${process.version}, uid ${process.getuid?.() ?? '?'})`);
  return { controller, statusBar };
}

export function activate(context: vscode.ExtensionContext): Api {
  return activateWith(context);
}

export function deactivate(): void {
  // Everything is in context.subscriptions: VS Code disposes it (and the helper with it).
}
