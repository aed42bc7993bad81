import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testSweepConfig, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';
import { openStore } from '../core/src/store/result-store.js';

const repository = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'advbench-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugins = writeTestPlugins(join(root, 'plugins'));

/** Starts `advbench run` in a real child process (TypeScript sources through tsx, no build needed). */
function startCli(args: string[]): { child: ChildProcess; lines: string[]; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repository, 'core/src/cli/main.ts'), 'run', ...args], { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  const collect = (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines, exit };
}

async function waitFor(lines: string[], predicate: () => boolean, exit: Promise<number | null>, what: string): Promise<void> {
  let exited = false;
  void exit.then(() => (exited = true));
  const deadline = Date.now() + 180_000;
  while (!predicate()) {
    if (exited) throw new Error(`the run exited before ${what}:\n${lines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Cells stored as done in an out folder, read while the run writes (read-only; 0 before the table exists). */
function doneCells(out: string): number {
  try {
    const database = new Database(join(out, 'results.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (database.prepare(`SELECT COUNT(*) AS count FROM cells WHERE status = 'done'`).get() as { count: number }).count;
    } finally {
      database.close();
    }
  } catch {
    return 0;
  }
}

/** True while a model is being trained into the cache (its temporary folder exists). */
function training(cacheDirectory: string): boolean {
  return existsSync(cacheDirectory) && readdirSync(cacheDirectory).some((name) => name.startsWith('.tmp-'));
}

describe('resume after SIGKILL (slow: real child processes)', () => {
  it('loses no cell and computes none twice when the run is killed mid-sweep, then mid-training', async () => {
    const cacheDirectory = join(root, 'cache');
    const config = testSweepConfig(plugins, { cacheDirectory, attackOptions: { delayMs: 250 }, epsilons: [0, 0.02, 0.05, 0.1, 0.2] });
    const configPath = join(root, 'config.json');
    writeFileSync(configPath, JSON.stringify(config));
    const out = join(root, 'out');

    // 1. Killed during training, before any cell: nothing is stored as done and no half cache entry is used.
    const first = startCli(['--config', configPath, '--out', out]);
    await waitFor(first.lines, () => training(cacheDirectory), first.exit, 'training to start');
    first.child.kill('SIGKILL');
    expect(await first.exit).toBeNull();

    // 2. Killed mid-sweep, after two cells finished.
    const second = startCli(['--config', configPath, '--out', out]);
    await waitFor(second.lines, () => doneCells(out) >= 2, second.exit, 'two cells to finish');
    second.child.kill('SIGKILL');
    expect(await second.exit).toBeNull();
    const killed = openStore(out);
    const doneAtKill = killed.finishedCells();
    const resultsAtKill = killed.results();
    killed.close();
    expect(doneAtKill.size).toBeGreaterThanOrEqual(2);
    // Five sweep cells plus the evaluation checks' extra cell (the attack at the unbounded budget).
    expect(doneAtKill.size).toBeLessThan(6);
    expect(resultsAtKill.cells.filter((cell) => !cell.extra)).toHaveLength(5);
    expect(resultsAtKill.cells).toHaveLength(6);

    // 3. Resumed with --resume: finishes the rest, skips finished cells and the trained model.
    const third = startCli(['--resume', out]);
    expect(await third.exit, third.lines.join('\n')).toBe(0);

    const store = openStore(out);
    const results = store.results();
    const counts = store.completionCounts();
    store.close();
    expect(results.status).toBe('completed');
    // The model trained by the second process is reused, not retrained; the first one's half entry is gone.
    expect(results.defenses[0].cost?.cached).toBe(true);
    expect(training(cacheDirectory)).toBe(false);
    expect(results.cells.map((cell) => cell.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(results.cells.every((cell) => cell.outcomes?.length === 24)).toBe(true);
    // Exactly one completion per cell across the three processes: none lost, none computed twice.
    expect(results.cells.map((cell) => counts.get(cell.id))).toEqual([1, 1, 1, 1, 1, 1]);
    for (const [id, before] of doneAtKill) {
      expect(results.cells.find((cell) => cell.id === id)).toEqual(before);
    }
  }, 300_000);

  it('stops on Ctrl-C (SIGINT) after the current batch with exit code 130, saying how to resume', async () => {
    const config = testSweepConfig(plugins, { cacheDirectory: join(root, 'cache'), attackOptions: { delayMs: 250 }, epsilons: [0, 0.05] });
    const configPath = join(root, 'interrupt.json');
    writeFileSync(configPath, JSON.stringify(config));
    const out = join(root, 'interrupted');
    const first = startCli(['--config', configPath, '--out', out]);
    await waitFor(first.lines, () => doneCells(out) >= 1, first.exit, 'a cell to finish');
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(130);
    expect(first.lines.some((line) => line.includes('ADVBENCH_ERR_INTERRUPTED') && line.includes(`advbench run --resume ${out}`))).toBe(true);
    const store = openStore(out);
    const stopped = store.results();
    store.close();
    expect(stopped.status).toBe('interrupted');
    expect(stopped.cells.filter((cell) => !cell.extra).map((cell) => cell.status)).toEqual(['done', 'pending']);

    const resumed = startCli(['--resume', out]);
    expect(await resumed.exit, resumed.lines.join('\n')).toBe(0);
    const finalStore = openStore(out);
    expect(finalStore.results().cells.map((cell) => cell.status)).toEqual(['done', 'done', 'done']);
    expect([...finalStore.completionCounts().values()]).toEqual([1, 1, 1]);
    finalStore.close();
  }, 300_000);
});
