import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const selectBackendSource = fileURLToPath(new URL('./select-backend.ts', import.meta.url));
const resolve = createRequire(import.meta.url).resolve;

/**
 * A fresh Node process (the backend is chosen once per process) that selects wasm with `threads`, runs a
 * convolution, its two gradients and a dense layer on it and on the cpu backend, and prints what it found.
 * It must exit by itself: the pool threads must not keep the process alive.
 */
function probeScript(threads: number): string {
  return `
    import * as tf from ${JSON.stringify(resolve('@tensorflow/tfjs-core'))};
    import ${JSON.stringify(resolve('@tensorflow/tfjs-backend-cpu'))};
    import { selectBackend } from ${JSON.stringify(selectBackendSource)};
    const { info } = await selectBackend('wasm', { threads: ${threads} });
    const compute = () => tf.tidy(() => {
      const x = tf.tensor4d(Array.from({ length: 2 * 9 * 9 * 3 }, (_, i) => Math.sin(i)), [2, 9, 9, 3]);
      const w = tf.tensor4d(Array.from({ length: 3 * 3 * 3 * 5 }, (_, i) => Math.cos(i)), [3, 3, 3, 5]);
      const loss = (input, filter) => tf.sum(tf.square(tf.conv2d(input, filter, 2, 'same')));
      const [dx, dw] = tf.grads(loss)([x, w]);
      return [...tf.conv2d(x, w, 1, 'same').dataSync(), ...dx.dataSync(), ...dw.dataSync()];
    });
    const wasmValues = compute();
    await tf.setBackend('cpu');
    const cpuValues = compute();
    let worst = 0;
    for (let i = 0; i < cpuValues.length; i += 1) {
      worst = Math.max(worst, Math.abs(wasmValues[i] - cpuValues[i]) / Math.max(1, Math.abs(cpuValues[i])));
    }
    console.log(JSON.stringify({ threads: info.threads, worst, count: cpuValues.length }));
  `;
}

async function probe(threads: number): Promise<{ threads: number; worst: number; count: number }> {
  const folder = mkdtempSync(join(tmpdir(), 'advbench-threads-'));
  const script = join(folder, 'probe.mts');
  writeFileSync(script, probeScript(threads));
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { timeout: 60_000, cwd: fileURLToPath(new URL('.', import.meta.url)) });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as { threads: number; worst: number; count: number };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('threaded wasm backend', () => {
  it('runs XNNPACK on 2 threads in Node, computes what the cpu backend computes, and lets the process exit', async () => {
    const result = await probe(2);
    expect(result.threads).toBe(2);
    expect(result.count).toBeGreaterThan(100);
    expect(result.worst).toBeLessThan(1e-4);
  });

  it('threads 1 is the single-threaded build, with the same values', async () => {
    const result = await probe(1);
    expect(result.threads).toBe(1);
    expect(result.worst).toBeLessThan(1e-4);
  });
});
