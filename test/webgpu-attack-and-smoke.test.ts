import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createPgdAttack, parsePgdOptions } from '@advbench/attack-pgd';
import type { AttackSurface, Tensor1D, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import type { RunResults } from '../core/src/store/result-types.js';
import { buildBenchResnet } from '../core/src/models/zoo/bench-resnet.js';
import { createRandom } from '../core/src/random/seeded-random.js';
import { selectBackend } from '../core/src/compute/select-backend.js';
import { webgpuAvailable } from '../core/src/compute/testing/webgpu-availability.js';
import { runCli } from './support/cli.js';

// lavapipe (software Vulkan, CI) runs every kernel on the CPU: tiny settings only.
const webgpu = await webgpuAvailable();
if (!webgpu.available) console.warn(`webgpu tests skipped: ${webgpu.reason}`);

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** Two PGD steps (no random start) against a random width-2 bench-resnet on 8x8 images. */
async function pgdOn(backend: 'cpu' | 'webgpu'): Promise<Float32Array> {
  await selectBackend(backend);
  const model = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 3 });
  const rng = createRandom(11);
  const x = tf.tensor4d(Float32Array.from({ length: 6 * 64 }, () => rng.next()), [6, 8, 8, 1]) as Tensor4D;
  const y = tf.tensor1d(Int32Array.from({ length: 6 }, () => rng.int(10)), 'int32') as Tensor1D;
  const surface: AttackSurface = { name: 'full', description: 'logits', output: 'logits', randomized: false, forward: (input) => model.apply(input, { training: false }) as Tensor2D };
  const before = tf.memory().numTensors;
  const adversarial = await createPgdAttack(tf, parsePgdOptions({ steps: 2, randomStart: false })).run({ surface, x, y, epsilon: 8 / 255, rng: createRandom(1) });
  const values = (await adversarial.data()) as Float32Array;
  adversarial.dispose();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, y]);
  model.dispose();
  return values;
}

/** The smoke preset, made smaller for lavapipe, through the CLI in a fresh folder. */
async function smallSmoke(backend: string): Promise<RunResults> {
  const folder = mkdtempSync(join(tmpdir(), `advbench-smoke-${backend}-`));
  folders.push(folder);
  const run = await runCli(['run', '--preset', 'smoke', '--backend', backend, '--train-samples', '64', '--test-samples', '16', '--epsilons', '0,8/255', '--out', 'out'], { cwd: folder, timeoutMs: 400_000 });
  expect(run.code, run.stderr.split('\n').filter((line) => !line.startsWith('Warning')).slice(-10).join('\n')).toBe(0);
  return JSON.parse(readFileSync(join(folder, 'out', 'results.json'), 'utf8')) as RunResults;
}

describe('webgpu: what a forced webgpu without a usable driver says', () => {
  it('exits 2 naming what is missing and what to install', async () => {
    // A driver manifest that does not exist: the Vulkan loader finds no driver, Dawn no adapter.
    const missing = { VK_DRIVER_FILES: '/nonexistent/advbench_icd.json', VK_ICD_FILENAMES: '/nonexistent/advbench_icd.json' };
    const run = await runCli(['bench', '--backend', 'webgpu', '--json', '--batch', '1', '--size', '8'], { env: missing, timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/backend 'webgpu' cannot load: (no WebGPU adapter: the Vulkan loader|the npm package)/);
    expect(run.stderr).toMatch(/apt-get install libvulkan1/);
    expect(run.stderr).toMatch(/mesa-vulkan-drivers/);
  });
});

describe.skipIf(!webgpu.available)('webgpu: a PGD step and the smoke preset (slow on lavapipe)', () => {
  it('takes the same two PGD steps as cpu', async () => {
    const reference = await pgdOn('cpu');
    const gpu = await pgdOn('webgpu');
    const same = gpu.filter((value, index) => Math.abs(value - reference[index]) < 1e-5).length;
    // A pixel may only differ where its gradient is ~0 and its sign flipped under float rounding.
    expect(same / reference.length).toBeGreaterThan(0.99);
    expect(reference.some((value, index) => Math.abs(value - gpu[index]) > 2 * (8 / 255) + 1e-5)).toBe(false);
  }, 300_000);

  it('runs the smoke preset (64 train, 16 test examples) with the adapter stored in the results and wasm\'s clean accuracy', async () => {
    const results = await smallSmoke('webgpu');
    expect(results.status).toBe('completed');
    expect(results.backend.name).toBe('webgpu');
    expect(results.backend.webgpu?.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(results.backend.webgpu?.description.length).toBeGreaterThan(0);
    for (const cell of results.cells) expect(cell.status).toBe('done');
    // The harness' own reads (defense probes) work on the GPU too: no probe ends in an error.
    for (const defense of results.defenses) expect(defense.probes, defense.name).toMatchObject({ examples: expect.any(Number) });
    for (const defense of results.defenses) expect(defense.probes?.error, defense.name).toBeUndefined();
    const reference = await smallSmoke('wasm');
    const clean = (run: RunResults) => Object.fromEntries(run.cells.filter((cell) => cell.epsilon === 0).map((cell) => [`${cell.defense}|${cell.surface}`, cell.result?.correct]));
    const gpu = clean(results);
    const wasm = clean(reference);
    expect(Object.keys(gpu).sort()).toEqual(Object.keys(wasm).sort());
    // Same seed, same data, same formulas; only float rounding differs: at most one of 16 examples flips.
    for (const [name, correct] of Object.entries(gpu)) expect(Math.abs((correct ?? -99) - (wasm[name] ?? 99)), name).toBeLessThanOrEqual(1);
  }, 600_000);
});
