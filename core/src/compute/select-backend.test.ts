import { describe, it, expect } from 'vitest';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { isAdvbenchError } from '../plugin-api/index.js';
import { BACKEND_UNAVAILABLE, selectBackend } from './select-backend.js';

describe('selectBackend', () => {
  it('forces wasm, registers the fast kernels and reports version, threads (all cores by default) and SIMD', async () => {
    const messages: string[] = [];
    const { tf: selected, info } = await selectBackend('wasm', { logger: { debug: () => undefined, info: (message) => messages.push(message), warn: () => undefined } });
    const threads = Math.min(8, availableParallelism());
    expect(selected.getBackend()).toBe('wasm');
    expect(info).toMatchObject({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: tf.version_core, threads, gpu: false });
    expect(typeof info.simd).toBe('boolean');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(messages.join('\n')).toMatch(new RegExp(`compute backend: wasm .*4\\.22\\.0, ${threads} threads?`));
  });

  it('forces cpu', async () => {
    const { info } = await selectBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info).toMatchObject({ name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', threads: 1, gpu: false });
  });

  it('auto takes the first that loads (here tfjs-node cannot load, so wasm)', async () => {
    const nodeLoads = await selectBackend('tensorflow').then(() => true, () => false);
    const { info } = await selectBackend('auto');
    expect(info.name).toBe(nodeLoads ? 'tensorflow' : 'wasm');
  });

  it.each(['tensorflow', 'tensorflow-gpu'] as const)('a forced %s that cannot load is an exit-2 error with the reason and what to install', async (choice) => {
    // Here tfjs-node cannot install (its install script downloads libtensorflow): either it is absent, or npm
    // left its JavaScript without the native binding. Either way the forced backend must be refused clearly.
    const packageName = choice === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
    const error = await selectBackend(choice).then(() => undefined, (caught: unknown) => caught);
    if (error === undefined) {
      expect(tf.getBackend()).toBe('tensorflow'); // a machine where it does load: nothing to refuse
      return;
    }
    expect(isAdvbenchError(error)).toBe(true);
    expect(error).toMatchObject({ code: BACKEND_UNAVAILABLE, exitCode: 2 });
    const message = (error as Error).message;
    expect(message).toContain(`backend '${choice}' cannot load`);
    expect(message).toMatch(new RegExp(`${packageName.replace('/', '\\/')} is (not installed|installed without its native binding)`));
    expect(message).toMatch(/npm i @tensorflow\/tfjs-node(-gpu)?@4\.22\.0/);
  });

  it('an unknown backend name is an exit-2 error', async () => {
    await expect(selectBackend('metal' as never)).rejects.toMatchObject({ code: BACKEND_UNAVAILABLE, exitCode: 2 });
  });
});
