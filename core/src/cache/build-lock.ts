import { hostname } from 'node:os';
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { processAlive } from '../store/process-alive.js';

/** Timings of {@link withBuildLock}. */
export interface BuildLockTimings {
  /** A lock untouched this long is taken over: its holder died (default 120 s). */
  staleMs?: number;
  /** The holder touches its lock this often (default 15 s). */
  heartbeatMs?: number;
  /** A waiter looks again this often (default 500 ms). */
  pollMs?: number;
}

/**
 * Runs `build` holding the lock file `lockPath` (created exclusively, so one process at a time on any machine that
 * shares the folder, NFS included), touched every `heartbeatMs` while it runs and removed after. While another
 * process holds it, calls `ready` every `pollMs` and returns what it finds (the other process's result) as soon as
 * it is defined; a lock whose holder was killed (a process of this machine that no longer runs, or a lock untouched for
 * `staleMs`) is removed and taken. At worst (two waiters
 * take over one stale lock at once) two processes build; callers must publish their result atomically anyway.
 */
export async function withBuildLock<T>(lockPath: string, ready: () => Promise<T | undefined>, build: () => Promise<T>, timings: BuildLockTimings = {}): Promise<T> {
  const staleMs = timings.staleMs ?? 120_000;
  const heartbeatMs = timings.heartbeatMs ?? 15_000;
  const pollMs = timings.pollMs ?? 500;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(`${hostname()} ${process.pid} ${new Date().toISOString()}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const theirs = await ready();
    if (theirs !== undefined) return theirs;
    const touched = await stat(lockPath).then(
      (stats) => stats.mtimeMs,
      () => undefined,
    );
    if (touched === undefined) continue;
    if (Date.now() - touched > staleMs || (await heldByDeadLocalProcess(lockPath))) {
      await rm(lockPath, { force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  try {
    // Built by another process while this one waited for the lock.
    return (await ready()) ?? (await build());
  } finally {
    clearInterval(heartbeat);
    await rm(lockPath, { force: true });
  }
}

/** True when the lock names a process of this machine that no longer runs. */
async function heldByDeadLocalProcess(lockPath: string): Promise<boolean> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  const [host, pid] = text.split(' ');
  return host === hostname() && /^\d+$/.test(pid ?? '') && Number(pid) !== process.pid && !processAlive(Number(pid));
}
