// Diagnostics go to a LogOutputChannel ("pmemstat" in the Output view; its level follows
// "Developer: Set Log Level"). Nothing secret is ever passed here: the sudo password
// goes from the password box to the launcher and nowhere else.
import * as vscode from 'vscode';
import { printable } from '../core/printable';

/** The part of vscode.LogOutputChannel the host uses (so tests can read what was logged). */
export interface Log {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  show(preserveFocus?: boolean): void;
}

export function createLog(): Log & vscode.Disposable {
  return printableLog(vscode.window.createOutputChannel('pmemstat', { log: true }));
}

/**
 * A log whose every message is made printable (src/core/printable.ts): process names and
 * helper messages reach it by many paths, and a forged line or a bidi override in the
 * Output view would mislead whoever reads it.
 */
export function printableLog<L extends Log & vscode.Disposable>(ch: L): Log & vscode.Disposable {
  return {
    trace: (m) => ch.trace(printable(m)),
    debug: (m) => ch.debug(printable(m)),
    info: (m) => ch.info(printable(m)),
    warn: (m) => ch.warn(printable(m)),
    error: (m) => ch.error(printable(errorText(m))),
    show: (preserveFocus) => ch.show(preserveFocus),
    dispose: () => ch.dispose(),
  };
}

/** A readable message from anything thrown. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : String(e);
}
