import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestScope } from '../testing/open-test-scope.js';
import { testSweepConfig, writeTestPlugins } from '../testing/sweep-fixture.js';
import { computeCell, type CellShard } from './compute-cell.js';
import { createDefenses } from './create-defenses.js';
import { mergeCellShards } from './merge-cell-shards.js';
import { planRun } from './plan-run.js';
import { prepareDefense } from './prepare-defense.js';
import { releaseRunScope } from './run-scope.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-stages-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the run stages, called the way a queue worker calls them', () => {
  it('rebuild the scope from the spec alone; two shards of a cell merge into exactly the whole cell', async () => {
    const plugins = writeTestPlugins(join(root, 'plugins'));
    const scope = await openTestScope(root, 'run', testSweepConfig(plugins, { cacheDirectory: join(root, 'cache'), epsilons: [0, 0.1] }));
    try {
      expect(await createDefenses(scope)).toEqual([]);
      const results = planRun(scope, { runId: 'test', configHash: 'hash', createdAt: new Date().toISOString(), resumed: false }, { finishedCells: new Map() });
      expect(await prepareDefense(scope, 'trained')).toMatchObject({ status: 'ready', surfaces: ['full', 'copy'] });
      const attacked = results.cells.find((cell) => cell.epsilon > 0)!;
      const tensorsBefore = tf.memory().numTensors;
      const whole = (await computeCell(scope, attacked)) as CellShard;
      // Shard boundary on a multiple of the batch size (8): the same batch streams as the whole cell.
      const first = (await computeCell(scope, attacked, { range: { start: 0, end: 16 } })) as CellShard;
      const second = (await computeCell(scope, attacked, { range: { start: 16, end: 24 } })) as CellShard;
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(first.outcomes).toHaveLength(16);
      expect([...first.outcomes, ...second.outcomes]).toEqual(whole.outcomes);
      const merged = mergeCellShards(attacked, [second, first], 24);
      expect(merged).toMatchObject({ status: 'done', outcomes: whole.outcomes, projectionCorrections: whole.corrections, attackSettings: { steps: 1, overshoot: 1 } });
      expect(merged.result).toEqual(mergeCellShards(attacked, [whole], 24).result);
      expect(() => mergeCellShards(attacked, [first], 24)).toThrow(/up to 16, not 24/);
      expect(() => mergeCellShards(attacked, [first, first, second], 24)).toThrow(/overlap at test position 0/);
      await expect(computeCell(scope, attacked, { range: { start: 20, end: 30 } })).rejects.toThrow(/not a non-empty range/);
    } finally {
      await releaseRunScope(scope);
    }
  });
});
