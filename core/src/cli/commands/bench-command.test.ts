import { describe, it, expect } from 'vitest';
import { benchCommand } from './bench-command.js';

/** Runs `advbench bench ...args` through commander and returns stdout. */
async function runCli(args: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await benchCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

describe('advbench bench', () => {
  it('--json prints one JSON object with the peer fields plus backend and params', async () => {
    const output = await runCli(['--json', '--batch', '2', '--width', '2', '--size', '8', '--backend', 'wasm', '--warmup', '1', '--repeat', '3']);
    const result = JSON.parse(output) as Record<string, unknown>;
    expect(result).toMatchObject({ backend: 'wasm', batch: 2, width: 2, size: 8, channels: 1, model: 'bench-resnet', repeat: 3 });
    for (const field of ['fwdMs', 'inputGradMs', 'trainStepMs']) {
      expect(result[field]).toBeGreaterThan(0);
    }
    expect(result.params).toBe(1360);
    expect(output.trim().split('\n')).toHaveLength(1);
  });

  it('--model times a zoo model with the given input and classes', async () => {
    const output = await runCli(['--json', '--model', 'resnet20', '--batch', '1', '--size', '8', '--channels', '3', '--classes', '4', '--backend', 'wasm', '--warmup', '0', '--repeat', '1']);
    const result = JSON.parse(output) as Record<string, unknown>;
    expect(result).toMatchObject({ model: 'resnet20', batch: 1, size: 8, channels: 3, classes: 4 });
    // ResNet-20 (CIFAR): ~0.27M parameters, 64 x 4 + 4 of them in this head.
    expect(result.params).toBeGreaterThan(260_000);
    expect(result.params).toBeLessThan(280_000);
    expect(result.trainStepMs).toBeGreaterThan(0);
  });

  it('rejects an unknown model or an input it cannot take before loading a backend', async () => {
    await expect(runCli(['--json', '--model', 'resnet18', '--backend', 'cpu'])).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_MODEL_UNKNOWN' });
    await expect(runCli(['--json', '--model', 'resnet50', '--size', '224', '--channels', '1', '--backend', 'cpu'])).rejects.toMatchObject({ exitCode: 2 });
  });

  it('rejects a bad size with an input error', async () => {
    await expect(runCli(['--json', '--size', '2', '--backend', 'cpu'])).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_BENCH_OPTION' });
  });
});
