import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../core/src/config/load-run-spec.js';
import type { Reporter } from '../core/src/events/event-bus.js';
import type { RunEvent } from '../core/src/events/event-types.js';
import { PluginRegistry } from '../core/src/plugins/plugin-registry.js';
import { executeRun } from '../core/src/run/execute-run.js';
import { silentLogger } from '../core/src/run/scoped-logger.js';
import { testSweepConfig, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';
import { openStore } from '../core/src/store/result-store.js';
import { loadRunResults } from '../core/src/store/results-json.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-sweep-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugins = writeTestPlugins(join(root, 'plugins'));
const cacheDirectory = join(root, 'cache');

async function run(name: string, config: Record<string, unknown>, events: RunEvent[] = [], signal = new AbortController().signal, reporter: Reporter = { onEvent: (event) => events.push(event) }) {
  const configPath = join(root, `${name}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  const spec = await loadRunSpec({ configPath, overrides: { out: join(root, name) }, cwd: root });
  const registry = await PluginRegistry.create({ cwd: root });
  const results = await executeRun(spec, { registry, reporters: [reporter], resume: false, signal, logger: silentLogger });
  return { spec, results };
}

describe('the sweep, end to end (real data, model zoo, trainer, cache, store)', () => {
  it('computes every cell, records outcomes, projects rogue attack output back, and re-running computes nothing', async () => {
    const events: RunEvent[] = [];
    const config = testSweepConfig(plugins, { cacheDirectory, attackOptions: { overshoot: 3 } });
    const { spec, results } = await run('full', config, events);
    expect(results.status).toBe('completed');
    // Everything the run made (models, batches, attack outputs) is released: a second run leaves no tensor behind.
    const tensorsBefore = tf.memory().numTensors;
    expect(results.cells.filter((cell) => !cell.extra).map((cell) => cell.id)).toEqual(['trained|clean|decision-rule|0', 'trained|fgsm|full|0.05', 'trained|fgsm|full|0.1']);
    // The evaluation checks add one extra cell: the (only, single-step) white-box attack at the unbounded budget.
    expect(results.cells.filter((cell) => cell.extra).map((cell) => cell.id)).toEqual(['trained|fgsm|full|0.5|check:unbounded-not-broken']);
    for (const cell of results.cells) {
      expect(cell.status).toBe('done');
      expect(cell.outcomes).toHaveLength(24);
      expect(cell.result?.samples).toBe(24);
      expect(cell.result?.correct).toBe(cell.outcomes!.reduce((sum, value) => sum + value, 0));
      expect(cell.result!.low).toBeLessThanOrEqual(cell.result!.accuracy);
    }
    // The attack overshoots the ball three times over: the harness corrects every attacked example.
    expect(results.cells[0].projectionCorrections).toBe(0);
    expect(results.cells[1].projectionCorrections).toBe(24);
    expect(results.cells[1].attackSettings).toEqual({ steps: 1, overshoot: 3 });
    // Projected into the ball, a bigger budget cannot help the defense.
    const clean = results.cells[0].result!.correct;
    expect(results.cells[2].result!.correct).toBeLessThanOrEqual(clean);
    expect(results.defenses[0]).toMatchObject({ name: 'trained', status: 'done', cleanAccuracy: results.cells[0].result });
    expect(results.defenses[0].cost?.cached).toBe(false);
    expect(results.defenses[0]).toMatchObject({
      randomized: false,
      surfaceDetails: [
        { name: 'full', description: 'logits of the model', output: 'logits', randomized: false, exact: true },
        { name: 'copy', description: 'the same logits under another name', output: 'logits', randomized: false, exact: true },
      ],
      evaluation: { randomized: false, judgeDraws: 1, surfaces: ['full'] },
    });
    expect(results).toMatchObject({ seed: 3, backend: { name: 'wasm' }, versions: { plugins: { 'test-trained': '0.0.1', 'test-fgsm': '0.0.1' } } });
    expect(results.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(events.filter((event) => event.type === 'cell-end')).toHaveLength(4);
    expect(events.at(-1)?.type).toBe('run-end');

    const json = await loadRunResults(spec.out);
    expect(json.cells.map((cell) => cell.result?.correct)).toEqual(results.cells.map((cell) => cell.result?.correct));

    // Re-running the same config into the same folder skips every finished cell and does not even prepare.
    const again: RunEvent[] = [];
    const second = await run('full', config, again);
    expect(second.results.status).toBe('completed');
    expect(again.some((event) => event.type === 'train-start' || event.type === 'cell-start')).toBe(false);
    const store = openStore(spec.out);
    expect([...store.completionCounts().values()]).toEqual([1, 1, 1, 1]);
    store.close();
    await run('full-again', config);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('marks a failing defense\'s cells failed and goes on with the rest; the model cache spares retraining', async () => {
    const config = testSweepConfig(plugins, {
      cacheDirectory,
      epsilons: [0, 0.1],
      defenses: [
        { use: plugins.defense, name: 'broken', options: { failPrepare: true } },
        { use: plugins.defense, name: 'trained' },
      ],
    });
    const events: RunEvent[] = [];
    const { results } = await run('partial', config, events);
    expect(results.status).toBe('failed');
    expect(results.cells.filter((cell) => cell.defense === 'broken' && !cell.extra).map((cell) => cell.status)).toEqual(['failed', 'failed']);
    expect(results.cells.find((cell) => cell.defense === 'broken')?.error).toMatch(/prepare failed on purpose/);
    expect(results.cells.filter((cell) => cell.defense === 'trained' && !cell.extra).map((cell) => cell.status)).toEqual(['done', 'done']);
    expect(results.defenses[0]).toMatchObject({ status: 'failed' });
    // Same dataset, model, seed and options as the first test: the trained model comes from the cache.
    expect(results.defenses[1].cost?.cached).toBe(true);
    expect(events.some((event) => event.type === 'error' && event.defense === 'broken')).toBe(true);
  });

  it('refuses to mix another config into an out folder, naming both hashes', async () => {
    const config = testSweepConfig(plugins, { cacheDirectory, epsilons: [0] });
    await run('mixed', config);
    await expect(run('mixed', { ...config, seed: 4 })).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_RESUME_CONFIG' });
  });

  it('stops after the current batch on abort, marks the run interrupted, and the next run finishes the rest', async () => {
    const config = testSweepConfig(plugins, { cacheDirectory, epsilons: [0, 0.05, 0.1] });
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const abortingReporter = {
      onEvent(event: RunEvent) {
        events.push(event);
        // Ctrl-C in the middle of the first attacked cell.
        if (event.type === 'cell-progress' && event.cellId === 'trained|fgsm|full|0.05') controller.abort();
      },
    };
    const first = await run('interrupted', config, [], controller.signal, abortingReporter);
    expect(first.results.status).toBe('interrupted');
    expect(first.results.cells.filter((cell) => !cell.extra).map((cell) => cell.status)).toEqual(['done', 'pending', 'pending']);
    expect(events.filter((event) => event.type === 'cell-start').map((event) => event.type === 'cell-start' && event.cell.id)).toEqual(['trained|clean|decision-rule|0', 'trained|fgsm|full|0.05']);
    const json = await loadRunResults(first.spec.out);
    expect(json.status).toBe('interrupted');

    const second = await run('interrupted', config);
    expect(second.results.status).toBe('completed');
    const store = openStore(first.spec.out);
    expect([...store.completionCounts().values()]).toEqual([1, 1, 1, 1]);
    store.close();
  });
});
