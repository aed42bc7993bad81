import { readFileSync } from 'node:fs';

/**
 * True when a process with this id is running on this machine. A zombie (state `Z` or `X` in `/proc/<pid>/stat`:
 * it has exited and only waits to be reaped) is not running: it holds no files and will never release a lock.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** True when `/proc/<pid>/stat` says the process has exited (zombie or dead) but was not reaped yet. */
export function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // No /proc (macOS) or the process is gone: kill(0) decided.
    return false;
  }
  // "<pid> (<command, may hold spaces and parentheses>) <state> ...": the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
