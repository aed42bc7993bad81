import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { saveModel } from '../../models/io/save-model.js';
import { buildModel } from '../../models/zoo/model-zoo.js';
import { main } from '../main.js';
import { parseInputShape } from './models-command.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'advbench-models-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs `advbench <args>` in-process; returns the exit code and what went to stdout and stderr. */
async function advbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true));
  try {
    const code = await main(['node', 'advbench', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('advbench models', () => {
  it('list --json prints every architecture', async () => {
    const { code, stdout } = await advbench('models', 'list', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Array<{ name: string; defaultInputShape: number[] }>;
    expect(rows.map((row) => row.name)).toEqual([
      'bench-resnet', 'resnet8', 'resnet20', 'resnet50', 'resnet101', 'resnet152',
      'tv-resnet18', 'tv-resnet34', 'tv-resnet50', 'tv-resnet101', 'tv-resnet152', 'tv-wide-resnet50-2',
    ]);
    expect(rows.find((row) => row.name === 'resnet152')!.defaultInputShape).toEqual([224, 224, 3]);
  });

  it('describe resnet152 --json reports the Keras count, 60,419,944 parameters', async () => {
    const { code, stdout } = await advbench('models', 'describe', 'resnet152', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'resnet152', parameters: 60_419_944, inputShape: [224, 224, 3], classes: 1000, layers: 518 });
    expect(tf.memory().numTensors).toBe(0);
  });

  it('describe takes --classes and --input and prints a readable summary', async () => {
    const { code, stdout } = await advbench('models', 'describe', 'resnet20', '--classes', '100', '--input', '32x32x3');
    expect(code).toBe(0);
    expect(stdout).toContain('resnet20');
    expect(stdout).toContain(`parameters:  ${(274_042 + 64 * 90 + 90).toLocaleString('en-US')}`);
    expect(stdout).toContain('input shape: 32x32x3');
  });

  it('exits 2 for an unknown model, a bad --input and an unusable shape', async () => {
    const unknown = await advbench('models', 'describe', 'resnet18');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('[ADVBENCH_ERR_MODEL_UNKNOWN]');
    expect(unknown.stderr).toContain('resnet152');
    expect((await advbench('models', 'describe', 'resnet20', '--input', '32x32')).code).toBe(2);
    const gray = await advbench('models', 'describe', 'resnet50', '--input', '224x224x1');
    expect(gray.code).toBe(2);
    expect(gray.stderr).toContain('3 channels');
  });

  it('describe --weights checks a weights folder: a good one passes, a wrong-shaped tensor exits 2 naming the layer', async () => {
    await selectBackend('cpu');
    const model = buildModel('resnet20', { inputShape: [32, 32, 3], classes: 10, seed: 1 });
    const folder = join(root, 'resnet20');
    await saveModel(model, folder);
    model.dispose();
    const good = await advbench('models', 'describe', 'resnet20', '--weights', folder, '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ parameters: 274_042, weights: folder });

    const json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
    const spec = json.weightsManifest[0].weights.find((weight: { name: string }) => weight.name === 'stage2_block2_1_conv/kernel');
    spec.shape = [3, 3, 64, 16]; // same size as [3, 3, 32, 32], wrong shape
    await writeFile(join(folder, 'model.json'), JSON.stringify(json));
    const bad = await advbench('models', 'describe', 'resnet20', '--weights', folder);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('layer "stage2_block2_1_conv"');
    expect(bad.stderr).toContain('[3, 3, 64, 16]');
    expect(bad.stderr).toContain('[3, 3, 32, 32]');
  });

  it('import exits 2 for a state_dict that does not match, naming the keys, and for a non-torchvision architecture; writes nothing', async () => {
    const header = new TextEncoder().encode(JSON.stringify({ 'fc.weight': { dtype: 'F32', shape: [10, 512], data_offsets: [0, 20480] }, 'extra.weight': { dtype: 'F32', shape: [1], data_offsets: [20480, 20484] } }));
    const bytes = new Uint8Array(8 + header.length + 20484);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    const file = join(root, 'partial.safetensors');
    await writeFile(file, bytes);
    const out = join(root, 'imported');
    const mismatch = await advbench('models', 'import', file, '--architecture', 'tv-resnet18', '--out', out, '--input', '32x32x3');
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('[ADVBENCH_ERR_MODEL_WEIGHTS]');
    expect(mismatch.stderr).toContain('missing keys conv1.weight, bn1.weight, bn1.bias, bn1.running_mean, bn1.running_var (and ');
    expect(mismatch.stderr).toContain('unexpected keys extra.weight');
    const keras = await advbench('models', 'import', file, '--architecture', 'resnet50', '--out', out);
    expect(keras.code).toBe(2);
    expect(keras.stderr).toContain('tv-resnet152');
    await expect(readFile(join(out, 'model.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('parses HxWxC input shapes', () => {
    expect(parseInputShape('28x28x1')).toEqual([28, 28, 1]);
    expect(() => parseInputShape('28x28')).toThrow('HxWxC');
    expect(() => parseInputShape('0x28x1')).toThrow('HxWxC');
  });
});
