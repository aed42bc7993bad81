import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryFile, startTypeScript } from './support/child-process.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-lock-race-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const runLock = JSON.stringify(repositoryFile('core/src/store/run-lock.ts'));

/** A process that takes the lock of `out` (acquireRunLock) and is then killed with SIGKILL, leaving its lock behind. */
async function leaveStaleLock(out: string): Promise<void> {
  const holder = startTypeScript(`const { acquireRunLock } = await import(${runLock}); acquireRunLock(${JSON.stringify(out)}); console.log('held'); setInterval(() => {}, 1000);`);
  await holder.waitFor('held');
  holder.child.kill('SIGKILL');
  await holder.exit;
}

/** Contenders that each load the lock code, say `ready`, and on a line on stdin try to take the lock and hold it. */
function contender(out: string) {
  return startTypeScript(`
const { acquireRunLock } = await import(${runLock});
console.log('ready');
process.stdin.once('data', () => {
  try {
    const lock = acquireRunLock(${JSON.stringify(out)});
    console.log('won');
    setTimeout(() => { lock.release(); process.exit(0); }, 600);
  } catch (error) {
    console.log('refused ' + error.code);
    process.exit(0);
  }
});`);
}

describe('run lock against concurrent starts (fault injection: real processes)', () => {
  it('gives a stale lock to exactly one of six processes started at once, in every round', async () => {
    const rounds = 3;
    const winners: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const out = join(root, `round-${round}`);
      await leaveStaleLock(out);
      const contenders = Array.from({ length: 6 }, () => contender(out));
      await Promise.all(contenders.map((child) => child.waitFor('ready')));
      for (const child of contenders) child.child.stdin!.write('go\n');
      await Promise.all(contenders.map((child) => child.exit));
      const outputs = contenders.map((child) => child.output());
      winners.push(outputs.filter((text) => text.includes('won')).length);
      expect(outputs.filter((text) => text.includes('refused ADVBENCH_ERR_RUN_LOCKED')).length, outputs.join('\n')).toBe(6 - winners[round]);
    }
    expect(winners).toEqual(Array.from({ length: rounds }, () => 1));
  }, 120_000);
});
