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

  it('rejects a bad size with an input error', async () => {
    await expect(runCli(['--json', '--size', '2', '--backend', 'cpu'])).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_BENCH_OPTION' });
  });
});
