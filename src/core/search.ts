// What the search (the panel's `/`, the terminal window's `/`, the command's --search) keeps:
// a plain, case-sensitive substring of the row's info or of any member's command line, as
// htop's filter matches command lines. The members carry their whole command line already, so
// matching them costs nothing on the wire.
import type { GroupRow } from './types';

export function rowMatches(r: GroupRow, search: string): boolean {
  if (search === '' || r.info.includes(search)) return true;
  for (const m of r.members) if (m.cmd.includes(search)) return true;
  return false;
}

/** What the help says the search matches. */
export const SEARCH_MATCHES = 'the row info and every process\u2019s command line (plain text, case-sensitive)';
