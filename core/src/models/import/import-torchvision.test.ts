import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import type { LayersModel } from '../../plugin-api/index.js';
import { loadModel } from '../io/load-model.js';
import { importTorchvision } from './import-torchvision.js';
import { readSafetensors } from './read-safetensors.js';

/** The reference exporter (seeded random torchvision model + PyTorch's logits); needs Debian's python3-torch and python3-torchvision. */
const EXPORTER = join(import.meta.dirname, '../tools/export-torchvision.py');
const PYTHON = '/usr/bin/python3';

let root: string;

beforeAll(async () => {
  await selectBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'advbench-torchvision-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the exporter for `model` at `size` and returns its output folder. */
async function exportReference(model: string, size: number): Promise<string> {
  const out = join(root, `${model}-${size}`);
  try {
    await promisify(execFile)(PYTHON, [EXPORTER, '--model', model, '--out', out, '--size', String(size), '--batch', '2']);
  } catch (error) {
    throw new Error(`${EXPORTER} failed (install python3-torch and python3-torchvision: apt-get install -y python3-torch python3-torchvision): ${(error as Error).message}`);
  }
  return out;
}

/** Largest absolute difference over the largest absolute reference value. */
async function relativeError(model: LayersModel, reference: string): Promise<number> {
  const tensors = await readSafetensors(join(reference, 'reference.safetensors'));
  const input = tensors.get('input')!;
  const expected = tensors.get('logits')!.values;
  const before = tf.memory().numTensors;
  const logits = tf.tidy(() => model.predict(tf.tensor(input.values, input.shape)) as tf.Tensor);
  const actual = await logits.data();
  logits.dispose();
  expect(tf.memory().numTensors).toBe(before);
  expect(actual.length).toBe(expected.length);
  let difference = 0;
  let scale = 0;
  for (let index = 0; index < expected.length; index += 1) {
    difference = Math.max(difference, Math.abs(actual[index] - expected[index]));
    scale = Math.max(scale, Math.abs(expected[index]));
  }
  return difference / scale;
}

describe('advbench models import (torchvision state_dicts)', () => {
  for (const [name, size] of [['resnet18', 64], ['resnet50', 64]] as const) {
    it(`imports torchvision ${name}: logits match PyTorch's within 1e-4 (relative)`, async () => {
      const reference = await exportReference(name, size);
      const out = join(root, `tv-${name}-tfjs`);
      const summary = await importTorchvision(join(reference, 'weights.safetensors'), { architecture: `tv-${name}`, out, inputShape: [size, size, 3] });
      expect(summary.classes).toBe(1000);
      const model = await loadModel(out);
      try {
        expect(model.name).toBe(`tv-${name}`);
        const error = await relativeError(model, reference);
        console.log(`tv-${name} imported from PyTorch, ${size}x${size}: largest logit difference / largest logit = ${error.toExponential(2)}`);
        expect(error).toBeLessThan(1e-4);
      } finally {
        model.dispose();
      }
    }, 120_000);
  }

  it('refuses a state_dict of another architecture with exit 2, naming the first offending keys, and writes nothing', async () => {
    const reference = join(root, 'resnet18-64');
    await stat(reference);
    const out = join(root, 'refused');
    const attempt = importTorchvision(join(reference, 'weights.safetensors'), { architecture: 'tv-resnet34', out, inputShape: [64, 64, 3] });
    await expect(attempt).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_MODEL_WEIGHTS' });
    await expect(attempt).rejects.toThrow(/missing keys layer1\.2\.conv1\.weight/);
    const wrongFamily = importTorchvision(join(reference, 'weights.safetensors'), { architecture: 'tv-resnet50', out, inputShape: [64, 64, 3] });
    await expect(wrongFamily).rejects.toThrow(/missing keys layer1\.0\.downsample\.0\.weight.*wrong shapes layer1\.0\.conv1\.weight is \[64, 64, 3, 3\], tv-resnet50 needs \[64, 64, 1, 1\]/);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
