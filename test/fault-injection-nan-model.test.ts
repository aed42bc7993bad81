import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../core/src/compute/select-backend.js';
import { loadRunSpec } from '../core/src/config/load-run-spec.js';
import { saveModel } from '../core/src/models/io/save-model.js';
import { buildModel } from '../core/src/models/zoo/model-zoo.js';
import { PluginRegistry } from '../core/src/plugins/plugin-registry.js';
import { executeRun } from '../core/src/run/execute-run.js';
import { silentLogger } from '../core/src/run/scoped-logger.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-nan-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const weights = join(root, 'nan-weights');

beforeAll(async () => {
  await selectBackend('wasm');
  const model = buildModel('bench-resnet', { inputShape: [28, 28, 1], classes: 10, seed: 0 });
  model.setWeights(model.getWeights().map((weight) => tf.fill(weight.shape, Number.NaN)));
  await saveModel(model, weights);
  model.dispose();
}, 60_000);

describe('a NaN model (fault injection)', () => {
  it('fails its cells with an error naming the defense instead of reporting an accuracy', async () => {
    const configPath = join(root, 'config.json');
    writeFileSync(configPath, JSON.stringify({ dataset: { use: 'fashion-mnist', trainSamples: 64, testSamples: 16 }, model: { name: 'bench-resnet', weights }, defenses: [{ use: 'none' }], attacks: [], epsilons: [0], backend: 'wasm', evalBatchSize: 8, cacheDirectory: join(root, 'cache') }));
    const spec = await loadRunSpec({ configPath, overrides: { out: join(root, 'out') }, cwd: root });
    const results = await executeRun(spec, { registry: await PluginRegistry.create({ cwd: root }), reporters: [], resume: false, signal: new AbortController().signal, logger: silentLogger });
    expect(results.status).toBe('failed');
    expect(results.cells.map((cell) => cell.status)).toEqual(['failed']);
    expect(results.cells[0].result).toBeUndefined();
    expect(results.cells[0].error).toContain("the defense 'none' returned NaN or infinite scores for 8 of 8 clean examples");
  }, 120_000);
});
