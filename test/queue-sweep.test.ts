import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestRedis, type TestRedisServer } from '../core/src/queue/testing/redis-server.js';
import { testSweepConfig, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';
import { openStore } from '../core/src/store/result-store.js';
import type { RunResults } from '../core/src/store/result-types.js';
import { startCli, stopCli, waitUntil, type ChildCli } from './support/child-cli.js';
import { runCli } from './support/cli.js';

const PASSWORD = 'hunter2-queue-secret';
const root = mkdtempSync(join(tmpdir(), 'advbench-queue-'));
const plugins = writeTestPlugins(join(root, 'plugins'));
const cacheDirectory = join(root, 'cache');
let redis: TestRedisServer;
let queueUrl: string;
let reference: RunResults;
const children: ChildCli[] = [];

/** Writes a config (the test plugins, 24 test examples, 3 cells) and returns its path. */
function config(name: string, attackOptions: Record<string, unknown> = {}): string {
  const path = join(root, `${name}.json`);
  writeFileSync(path, JSON.stringify(testSweepConfig(plugins, { cacheDirectory, attackOptions })));
  return path;
}

function start(args: string[]): ChildCli {
  const cli = startCli(args);
  children.push(cli);
  return cli;
}

function worker(name: string, url = queueUrl): ChildCli {
  return start(['worker', '--queue', url, '--name', name, '--threads', '1', '--stall-seconds', '2']);
}

function stored(out: string): { results: RunResults; counts: Map<string, number>; workers: string[] } {
  const store = openStore(out);
  try {
    const database = new Database(join(out, 'results.sqlite'), { readonly: true });
    const workers = (database.prepare(`SELECT json_extract(event_json, '$.worker') AS worker FROM events WHERE type = 'cell-end'`).all() as Array<{ worker: string | null }>).map((row) => row.worker ?? '');
    database.close();
    return { results: store.results(), counts: store.completionCounts(), workers };
  } finally {
    store.close();
  }
}

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

/** The Redis keys of a run's jobs still on the queue. */
async function jobKeys(runId: string): Promise<string[]> {
  const client = new Redis({ port: redis.port, password: PASSWORD });
  try {
    return await client.keys(`bull:advbench:${runId}*`);
  } finally {
    client.disconnect();
  }
}

/** Every cell done exactly once, with the single-process run's per-example outcomes. */
function expectSameAsReference(out: string): ReturnType<typeof stored> {
  const run = stored(out);
  expect(run.results.status).toBe('completed');
  // The sweep's 3 cells plus the evaluation checks' extra cells, as the single-process run planned them.
  expect(run.results.cells.length).toBe(reference.cells.length);
  expect(run.results.cells.filter((cell) => !cell.extra)).toHaveLength(3);
  expect(run.results.cells.map((cell) => cell.status)).toEqual(reference.cells.map(() => 'done'));
  expect(run.results.cells.map((cell) => run.counts.get(cell.id))).toEqual(reference.cells.map(() => 1));
  expect(run.results.cells.map((cell) => [cell.id, cell.outcomes])).toEqual(reference.cells.map((cell) => [cell.id, cell.outcomes]));
  return run;
}

beforeAll(async () => {
  redis = await startTestRedis({ password: PASSWORD, persistent: true });
  queueUrl = `redis://:${PASSWORD}@127.0.0.1:${redis.port}`;
  const local = await runCli(['run', '--config', config('local'), '--out', join(root, 'local')], { timeoutMs: 180_000 });
  expect(local.code, local.stderr).toBe(0);
  reference = stored(join(root, 'local')).results;
}, 240_000);

afterEach(async () => {
  await Promise.all(children.splice(0).map((cli) => stopCli(cli)));
});

afterAll(async () => {
  await redis?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('sweeps on a BullMQ queue (slow: redis-server and real child processes)', () => {
  it('two workers give the per-example outcomes of a single-process run, and the password is nowhere', async () => {
    const workers = [worker('w1'), worker('w2')];
    const out = join(root, 'two-workers');
    const coordinator = start(['run', '--config', config('two-workers'), '--out', out, '--queue', queueUrl, '--shard-size', '8']);
    expect(await coordinator.exit, coordinator.lines.join('\n')).toBe(0);
    const run = expectSameAsReference(out);
    // Every cell names the worker(s) that computed its shards; the terminal said who did what.
    expect(run.workers.every((names) => names.split(',').every((name) => name === 'w1' || name === 'w2'))).toBe(true);
    expect(coordinator.lines.some((line) => / on w[12]/.test(line))).toBe(true);
    // The password is in no output, no file and no event; the run's jobs are gone from the queue.
    for (const text of [coordinator.lines.join('\n'), ...workers.map((cli) => cli.lines.join('\n')), readFileSync(join(out, 'results.json'), 'utf8'), readFileSync(join(out, 'results.sqlite')).toString('latin1')]) {
      expect(text).not.toContain(PASSWORD);
    }
    expect(await jobKeys(run.results.runId)).toEqual([]);
  }, 180_000);

  it('a worker SIGKILLed during a cell has its job retried by another: every cell once', async () => {
    const first = worker('doomed');
    const out = join(root, 'killed-worker');
    const coordinator = start(['run', '--config', config('killed-worker', { delayMs: 400 }), '--out', out, '--queue', queueUrl]);
    await waitUntil(coordinator, () => coordinator.lines.some((line) => line.includes('fgsm') && line.includes('started on doomed')), 'an attack cell to start on the first worker');
    first.child.kill('SIGKILL');
    await first.exit;
    worker('rescuer');
    expect(await coordinator.exit, coordinator.lines.join('\n')).toBe(0);
    const run = expectSameAsReference(out);
    expect(run.workers).toContain('rescuer');
  }, 180_000);

  it('survives Redis killed and restarted mid-run (append-only file on), then the coordinator SIGKILLed and resumed: every cell once', async () => {
    const steady = worker('steady');
    const out = join(root, 'faults');
    const first = start(['run', '--config', config('faults', { delayMs: 500 }), '--out', out, '--queue', queueUrl]);
    await waitUntil(first, () => doneCells(out) >= 1, 'a cell to finish');
    // Redis dies and comes back: the coordinator and the worker reconnect, the jobs are still there.
    await redis.restart({ hard: true });
    await waitUntil(first, () => doneCells(out) >= 2, 'a cell to finish after the restart');
    // The coordinator dies; the worker goes on; --resume re-attaches to the jobs (and takes results it missed).
    first.child.kill('SIGKILL');
    await first.exit;
    const resumed = start(['run', '--resume', out, '--queue', queueUrl]);
    expect(await resumed.exit, resumed.lines.join('\n')).toBe(0);
    expect(resumed.lines.some((line) => line.includes('re-attached to the jobs of trained'))).toBe(true);
    const run = expectSameAsReference(out);
    expect(await jobKeys(run.results.runId)).toEqual([]);
    // The worker computed each cell job once: nothing was enqueued again.
    const computed = steady.lines.filter((line) => /job \S+\.cell\.\S+ done$/.test(line));
    expect(computed).toHaveLength(reference.cells.length);
    expect(new Set(computed).size).toBe(reference.cells.length);
  }, 180_000);

  it('a worker whose plugin code differs from the coordinator\'s refuses the job, naming the difference', async () => {
    const edited = join(root, 'edited-plugins');
    const copy = writeTestPlugins(edited);
    const path = join(root, 'mismatch.json');
    writeFileSync(path, JSON.stringify(testSweepConfig(copy, { cacheDirectory })));
    const out = join(root, 'mismatch');
    const coordinator = start(['run', '--config', path, '--out', out, '--queue', queueUrl]);
    const client = new Redis({ port: redis.port, password: PASSWORD });
    try {
      for (let tries = 0; (await client.keys('bull:advbench:*.train.*')).length === 0; tries += 1) {
        if (tries > 1200) throw new Error(`the train job was never enqueued:\n${coordinator.lines.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      client.disconnect();
    }
    // The plugin changes after the coordinator hashed it: the worker sees other code.
    writeFileSync(copy.defense, `// edited\n${readFileSync(copy.defense, 'utf8')}`);
    const stale = worker('stale');
    expect(await coordinator.exit, coordinator.lines.join('\n')).toBe(1);
    const run = stored(out);
    expect(run.results.defenses[0].status).toBe('failed');
    expect(run.results.defenses[0].error).toMatch(/worker stale refuses jobs of run .*: its code differs from the coordinator's \(plugin test-trained 0\.0\.1 sha256:\w+ here, 0\.0\.1 sha256:\w+ on the coordinator\)/);
    expect(stale.lines.some((line) => line.includes('its code differs'))).toBe(true);
  }, 180_000);

  it('a randomized defense gets its adaptive (EOT) cells and its checks\' doubled-EOT cells as in a single-process run', async () => {
    // A noisy decision rule (randomized) and PGD marked adaptive-only: once trained, its pgd cells move to pgd+eot.
    const randomized = (name: string): string => {
      const path = join(root, `${name}.json`);
      writeFileSync(path, JSON.stringify(testSweepConfig(plugins, {
        cacheDirectory,
        defenses: [{ use: plugins.defense, name: 'noisy', options: { noise: 0.3 } }],
        extra: { attacks: [{ use: 'pgd', name: 'pgd', options: { steps: 2 }, adaptiveOnly: true }], eotSamples: 2, judgeDraws: 2 },
      })));
      return path;
    };
    const local = await runCli(['run', '--config', randomized('randomized-local'), '--out', join(root, 'randomized-local')], { timeoutMs: 180_000 });
    expect(local.code, local.stderr).toBe(0);
    const expected = stored(join(root, 'randomized-local')).results;
    expect(expected.cells.some((cell) => cell.attack === 'pgd+eot')).toBe(true);
    expect(expected.cells.some((cell) => cell.attack === 'pgd' && cell.extra === undefined)).toBe(false);
    worker('w1');
    worker('w2');
    const out = join(root, 'randomized-queue');
    const coordinator = start(['run', '--config', randomized('randomized-queue'), '--out', out, '--queue', queueUrl, '--shard-size', '8']);
    expect(await coordinator.exit, coordinator.lines.join('\n')).toBe(0);
    expect(coordinator.lines.some((line) => line.includes('adaptive cell(s) join the plan'))).toBe(true);
    const run = stored(out);
    expect(run.results.status).toBe('completed');
    const byId = (results: RunResults) => results.cells.map((cell) => [cell.id, cell.status, cell.outcomes]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(byId(run.results)).toEqual(byId(expected));
    expect(run.results.cells.map((cell) => run.counts.get(cell.id))).toEqual(run.results.cells.map(() => 1));
    expect(await jobKeys(run.results.runId)).toEqual([]);
  }, 240_000);

  it('refuses a bad queue URL and an unreachable Redis with exit code 2, naming it, writing nothing', async () => {
    const out = join(root, 'never');
    const bad = await runCli(['run', '--config', config('never'), '--out', out, '--queue', 'http://127.0.0.1:6379']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ADVBENCH_ERR_QUEUE_URL');
    expect(bad.stderr).toContain('"http://127.0.0.1:6379"');
    const port = await freePort();
    const started = Date.now();
    const unreachable = await runCli(['run', '--config', config('never'), '--out', out, '--queue', `redis://:${PASSWORD}@127.0.0.1:${port}`]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(`ADVBENCH_ERR_QUEUE_UNREACHABLE] --queue redis://:***@127.0.0.1:${port}: cannot reach Redis`);
    expect(unreachable.stderr).not.toContain(PASSWORD);
    expect(existsSync(out)).toBe(false);
    const lonely = await runCli(['worker', '--queue', `redis://127.0.0.1:${port}`]);
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toContain(`redis://127.0.0.1:${port}: cannot reach Redis`);
  }, 120_000);
});
