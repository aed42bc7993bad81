import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireRunLock, RUN_LOCK_FILE } from './run-lock.js';

const folder = mkdtempSync(join(tmpdir(), 'advbench-lock-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('acquireRunLock', () => {
  it('refuses a folder a live process holds, naming its pid', () => {
    const out = join(folder, 'live');
    const lock = acquireRunLock(out);
    writeFileSync(join(out, RUN_LOCK_FILE), `${process.ppid}\n`);
    expect(() => acquireRunLock(out)).toThrow(expect.objectContaining({ exitCode: 2, code: 'ADVBENCH_ERR_RUN_LOCKED', message: expect.stringContaining(`pid ${process.ppid}`) }));
    // Not ours any more: release leaves the other process's lock alone.
    lock.release();
    expect(existsSync(join(out, RUN_LOCK_FILE))).toBe(true);
  });

  it('takes over the lock of a dead process and releases its own', () => {
    const out = join(folder, 'dead');
    acquireRunLock(out).release();
    writeFileSync(join(out, RUN_LOCK_FILE), `${2 ** 22 + 1}\n`);
    const lock = acquireRunLock(out);
    expect(existsSync(join(out, RUN_LOCK_FILE))).toBe(true);
    lock.release();
    expect(existsSync(join(out, RUN_LOCK_FILE))).toBe(false);
  });
});
