import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../core/src/config/load-run-spec.js';
import { PluginRegistry } from '../core/src/plugins/plugin-registry.js';
import type { MemoryEvent, RunEvent } from '../core/src/events/event-types.js';
import type { RunResults } from '../core/src/store/result-types.js';
import { executeRun } from '../core/src/run/execute-run.js';
import { silentLogger } from '../core/src/run/scoped-logger.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-builtin-sweep-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the sweep with the built-in plugins (slow: trains every defense of the smoke preset on a smaller subset)', () => {
  it('gives none, adv-training and inn (inn1 and inn2) a done cell at every epsilon', async () => {
    const defenses = [
      { use: 'none', options: { epochs: 1, batchSize: 64, learningRate: 0.05 } },
      { use: 'adv-training', options: { mode: 'fast', epochs: 1, batchSize: 64, epsilon: 8 / 255 } },
      { use: 'inn', options: { preset: 'main', epochs: 2, attackCheckpoint: 2, batchSize: 64 } },
    ];
    const configPath = join(root, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({ preset: 'smoke', dataset: { use: 'fashion-mnist', trainSamples: 128, testSamples: 16 }, defenses, attacks: [{ use: 'pgd', options: { steps: 2 } }], epsilons: [0, 8 / 255], backend: 'wasm', evalBatchSize: 16, cacheDirectory: join(root, 'cache') }),
    );
    const spec = await loadRunSpec({ configPath, overrides: { out: join(root, 'out') }, cwd: root });
    const registry = await PluginRegistry.create({ cwd: root });
    const events: RunEvent[] = [];
    const results = await executeRun(spec, { registry, reporters: [{ onEvent: (event) => events.push(event) }], resume: false, signal: new AbortController().signal, logger: silentLogger });
    const failures = results.cells.filter((cell) => cell.status !== 'done').map((cell) => `${cell.id}: ${cell.error}`);
    expect(failures).toEqual([]);
    const surfaces = new Set(results.cells.filter((cell) => !cell.extra).map((cell) => `${cell.defense}|${cell.surface}|${cell.epsilon}`));
    // One clean cell per defense (its decision rule), each planned surface at 8/255, and INN's adaptive EOT cell on full.
    const expected = [
      ...['none', 'adv-training', 'inn'].map((defense) => `${defense}|decision-rule|0`),
      ...['none|full', 'adv-training|full', 'inn|inn1', 'inn|inn2', 'inn|full'].map((prefix) => `${prefix}|${8 / 255}`),
    ];
    expect([...surfaces].sort()).toEqual(expected.sort());
    for (const cell of results.cells) expect(cell.outcomes).toHaveLength(16);
    expect(results.model.params).toBeGreaterThan(0);
    expect(results.defenses.map((defense) => [defense.name, defense.status])).toEqual([['none', 'done'], ['adv-training', 'done'], ['inn', 'done']]);
    expect(Object.keys(results.versions.plugins).sort()).toEqual(['adv-training', 'inn', 'none', 'pgd']);
    for (const defense of results.defenses) expect(defense.cleanAccuracy?.samples).toBe(16);
    // Training budgets: adversarial training and INN (init from base) inherit the base model's training; none is the base.
    const [none, adversarial] = results.defenses;
    expect(none.budget?.inherited).toBeUndefined();
    expect(adversarial.budget?.inherited?.seconds).toBe(none.cost?.seconds);
    expect(adversarial.budget?.inherited?.epochs).toBe(1);
    expect(adversarial.budget?.total.examples).toBe(adversarial.cost!.examples + none.cost!.examples);
    // The train-end event carries the budget, so reports rebuilt from the events (report.html at run-end) show it.
    const trainEnd = events.find((event) => event.type === 'train-end' && event.defense === 'adv-training');
    expect(trainEnd?.type === 'train-end' ? trainEnd.budget : undefined).toEqual(adversarial.budget);
    // results.json carries the leaderboard with the paired significance of adjacent rows at the headline epsilon.
    const stored = JSON.parse(readFileSync(join(root, 'out', 'results.json'), 'utf8')) as RunResults;
    expect(stored.leaderboard?.order.slice().sort()).toEqual(['adv-training', 'inn', 'none']);
    expect(stored.leaderboard?.adjacent).toHaveLength(2);
    for (const pair of stored.leaderboard!.adjacent) expect(pair.test.examples).toBe(16);

    // Each defense's models are released once its cells are done: after every release the same tensor bytes are
    // live (none of the finished defenses' models, nor the base model), and the run log has a memory record per stage.
    const memory = events.filter((event): event is MemoryEvent => event.type === 'memory');
    expect(memory.map((event) => `${event.defense}:${event.stage}`)).toEqual(['none', 'adv-training', 'inn'].flatMap((name) => [`${name}:prepare`, `${name}:cells`, `${name}:release`]));
    const released = memory.filter((event) => event.stage === 'release').map((event) => event.usage.tensorBytes);
    expect(new Set(released).size).toBe(1);
    for (const event of memory.filter((candidate) => candidate.stage === 'prepare')) {
      expect(event.usage.tensorBytes).toBeGreaterThan(released[0]);
      expect(event.peakTensorBytes).toBeGreaterThanOrEqual(event.usage.tensorBytes);
      expect(event.usage.heapBytes).toBeGreaterThan(0);
      expect(event.usage.heapLimitBytes).toBe(4_294_901_760);
    }
  }, 240_000);
});
