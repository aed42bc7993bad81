import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../plugin-api/errors.js';

/** File name of the lock a running process holds in its out folder. */
export const RUN_LOCK_FILE = 'run.lock';

/** A held out-folder lock. */
export interface RunLock {
  /** Releases the lock (idempotent). */
  release(): void;
}

/**
 * Takes the out folder's lock, so two processes never sweep one folder at once (which would compute cells twice).
 * A lock left by a process that is gone (killed with SIGKILL) is taken over; one held by a live process is refused
 * with an exit-2 error naming the folder and the process id.
 */
export function acquireRunLock(out: string): RunLock {
  mkdirSync(out, { recursive: true });
  const path = join(out, RUN_LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      let held = true;
      return {
        release: () => {
          if (held && readOwner(path) === process.pid) rmSync(path, { force: true });
          held = false;
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw inputError('ADVBENCH_ERR_RUN_LOCKED', `${out} is being written by another advbench process (pid ${owner}); wait for it to finish or stop it, or choose another --out`, {
          details: { out, pid: owner },
        });
      }
      rmSync(path, { force: true });
    }
  }
  throw inputError('ADVBENCH_ERR_RUN_LOCKED', `${out}: could not take ${RUN_LOCK_FILE} (another process keeps recreating it)`, { details: { out } });
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
