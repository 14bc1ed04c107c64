// Test host, bundled by sudoPromptShell.test.ts and started in a hostile working directory:
// it asks for a root helper through the real @vscode/sudo-prompt (sudoPrompt.ts's default
// path) and prints one JSON line: { ok, reason?, uid?, logs }. argv: a JSON SudoPromptParams
// subset { nodePath, script, isElectron }. Not a test file itself.
import { elevatedArgv } from '../../src/host/helperArgv';
import { trySudoPrompt, type SudoPromptParams } from '../../src/host/sudoPrompt';

async function main(): Promise<void> {
  const runtime = JSON.parse(process.argv[2]) as { nodePath: string; script: string; isElectron: boolean };
  const logs: string[] = [];
  // Also the older parameter (a command line from the real paths), so that the same host
  // shows what a launcher before the defence did.
  const params = { runtime, helperArgv: (args: string[]) => elevatedArgv(runtime, args), extra: [], connectTimeoutMs: 20_000, log: (m: string) => logs.push(m) };
  const a = await trySudoPrompt(params as SudoPromptParams);
  if (a.ok) {
    process.stdout.write(JSON.stringify({ ok: true, uid: a.client.hello.uid, logs }) + '\n');
    a.client.dispose();
  } else process.stdout.write(JSON.stringify({ ok: false, reason: a.reason, logs }) + '\n');
  setTimeout(() => process.exit(0), 200);
}
void main();
