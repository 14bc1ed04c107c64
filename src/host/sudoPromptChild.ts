// Runs @vscode/sudo-prompt for sudoPrompt.ts in a process of its own: the library pastes this
// process's working directory into the shell line it runs, so this process starts in the
// launcher's private directory with the environment the launcher chose (docs/threat-model.md).
//   argv: COMMAND NAME. Exit 0 when the elevated command ended well; else 1 and the
//   library's message as the last line on stderr.
import * as sudoPrompt from '@vscode/sudo-prompt';

const [cmd, name] = process.argv.slice(2);
// The same test the launcher applies to its directory, in case this is started some other way.
if (!cmd || !name || !/^\/[A-Za-z0-9_/.-]*$/.test(process.cwd())) {
  process.stderr.write('pmemstat: refusing to run the system dialog from this directory or without a command\n');
  process.exit(1);
}
sudoPrompt.exec(cmd, { name }, (err) => {
  if (err) {
    process.stderr.write(err.message.replace(/\n/g, ' ') + '\n');
    process.exit(1);
  }
  process.exit(0);
});
