import { homedir, userInfo } from 'node:os';
import { isAbsolute } from 'node:path';

/**
 * The user's home directory, absolute, or undefined when there is none. Node's homedir() returns
 * $HOME as it is: HOME='' (or a relative HOME) made `.bash_history` a path relative to the working
 * directory, and whatever history file lay there was reported as the user's. Such a HOME is taken
 * as unset, as homedir() does for an unset one: the password database says where home is.
 */
export function userHome(): string | undefined {
  const home = homedir();
  if (isAbsolute(home)) return home;
  try {
    const pw = userInfo().homedir;
    return isAbsolute(pw) ? pw : undefined;
  } catch {
    return undefined; // no entry for this uid (a container's arbitrary user)
  }
}
