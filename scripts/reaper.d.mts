// Types of scripts/reaper.mjs, for the tests that import it.
export interface Reaper {
  pid: number | undefined;
  mark(s: string): void;
  rm(path: string): void;
  close(): Promise<void>;
}
export function startReaper(label: string, opts?: { marks?: string[]; rm?: string[] }): Reaper;
export function onStarterGone(gone: () => void): void;
export function processesMarked(marks: string[], spare?: Set<number>): { pid: number; cmd: string }[];
