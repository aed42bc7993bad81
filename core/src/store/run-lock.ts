import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../plugin-api/errors.js';
import { processAlive } from './process-alive.js';

/** File name of the lock a running process holds in its out folder (a small SQLite database). */
export const RUN_LOCK_FILE = 'run.lock';
/** File name of the note saying which process holds the lock (for messages only; the lock is {@link RUN_LOCK_FILE}). */
export const RUN_LOCK_OWNER_FILE = 'run.lock.owner';

/** A held out-folder lock. */
export interface RunLock {
  /** Releases the lock (idempotent). */
  release(): void;
}

/**
 * Takes the out folder's lock, so two processes never sweep one folder at once (which would compute cells twice).
 *
 * The lock is an exclusive SQLite write lock on `<out>/run.lock` (an fcntl lock the kernel holds for the process):
 * taking it is atomic, exactly one of any number of concurrent takers gets it, and it is released by the kernel
 * when its holder exits in any way (SIGKILL included), so there is no stale lock to take over and a zombie holds
 * nothing. A lock held by a live process is refused with an exit-2 error naming the folder and, from
 * {@link RUN_LOCK_OWNER_FILE}, the process id.
 */
export function acquireRunLock(out: string): RunLock {
  mkdirSync(out, { recursive: true });
  const path = join(out, RUN_LOCK_FILE);
  let database: Database.Database;
  try {
    database = new Database(path, { timeout: 0 });
  } catch (cause) {
    throw inputError('ADVBENCH_ERR_RUN_LOCKED', `${path} cannot be opened as advbench's run lock: ${(cause as Error).message}`, { cause, details: { out, file: path } });
  }
  try {
    database.pragma('locking_mode = EXCLUSIVE');
    // The first write takes SQLite's EXCLUSIVE lock; in exclusive locking mode it is kept until the connection closes.
    database.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL); COMMIT;');
  } catch (cause) {
    database.close();
    const code = (cause as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      const owner = readOwner(join(out, RUN_LOCK_OWNER_FILE));
      const who = owner !== undefined && processAlive(owner) ? `another advbench process (pid ${owner})` : 'another advbench process';
      throw inputError('ADVBENCH_ERR_RUN_LOCKED', `${out} is being written by ${who}; wait for it to finish or stop it, or choose another --out`, {
        details: { out, pid: owner },
      });
    }
    if (code === 'SQLITE_NOTADB') {
      throw inputError('ADVBENCH_ERR_RUN_LOCKED', `${path} is not advbench's run lock (an older advbench's lock file?); delete it if no advbench process writes ${out}`, {
        cause,
        details: { out, file: path },
      });
    }
    throw cause;
  }
  writeOwner(join(out, RUN_LOCK_OWNER_FILE));
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      const ownerFile = join(out, RUN_LOCK_OWNER_FILE);
      if (readOwner(ownerFile) === process.pid) rmSync(ownerFile, { force: true });
      database.close();
    },
  };
}

function writeOwner(path: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${process.pid}\n`);
  renameSync(temporary, path);
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
