import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireRunLock, RUN_LOCK_FILE, RUN_LOCK_OWNER_FILE } from './run-lock.js';

const folder = mkdtempSync(join(tmpdir(), 'advbench-lock-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const runLockModule = fileURLToPath(new URL('./run-lock.ts', import.meta.url));

/** Takes `<out>/run.lock` with acquireRunLock in a child process (TypeScript through tsx) and keeps it until killed. */
async function holdInChild(out: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const script = `const { acquireRunLock } = await import(${JSON.stringify(runLockModule)}); acquireRunLock(${JSON.stringify(out)}); console.log('held'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { pid: child.pid!, kill: async () => { child.kill('SIGKILL'); await exited; } };
}

describe('acquireRunLock', () => {
  it('refuses a folder a live process holds, naming its pid, and is free again once that process is killed', async () => {
    const out = join(folder, 'live');
    const holder = await holdInChild(out);
    expect(() => acquireRunLock(out)).toThrow(expect.objectContaining({ exitCode: 2, code: 'ADVBENCH_ERR_RUN_LOCKED', message: expect.stringContaining(`pid ${holder.pid}`) }));
    await holder.kill();
    // The killed holder's owner note is stale, but the kernel released its lock: taking it succeeds at once.
    const lock = acquireRunLock(out);
    lock.release();
  });

  it('is exclusive within one process too, and free again after release', () => {
    const out = join(folder, 'same-process');
    const lock = acquireRunLock(out);
    expect(existsSync(join(out, RUN_LOCK_OWNER_FILE))).toBe(true);
    expect(() => acquireRunLock(out)).toThrow(expect.objectContaining({ code: 'ADVBENCH_ERR_RUN_LOCKED', message: expect.stringContaining(`pid ${process.pid}`) }));
    lock.release();
    lock.release();
    expect(existsSync(join(out, RUN_LOCK_OWNER_FILE))).toBe(false);
    acquireRunLock(out).release();
  });

  it('refuses a lock file that is not a lock database, naming it', () => {
    const out = join(folder, 'foreign');
    acquireRunLock(out).release();
    writeFileSync(join(out, RUN_LOCK_FILE), `${2 ** 22 + 1}\n`.repeat(40));
    expect(() => acquireRunLock(out)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining(join(out, RUN_LOCK_FILE)) }));
  });
});
