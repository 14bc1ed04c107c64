// Diagnostics go to a LogOutputChannel ("pmemstat" in the Output view; its level follows
// "Developer: Set Log Level"). Nothing secret is ever passed here: the sudo password
// goes from the password box to the launcher and nowhere else.
import * as vscode from 'vscode';

/** The part of vscode.LogOutputChannel the host uses (so tests can read what was logged). */
export interface Log {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  show(preserveFocus?: boolean): void;
}

export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('pmemstat', { log: true });
}

/** A readable message from anything thrown. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : String(e);
}
