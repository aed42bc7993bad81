import { describe, expect, it } from 'vitest';
import { isOutOfMemory, outOfMemoryError } from './out-of-memory.js';

describe('out-of-memory errors', () => {
  it("recognise the wasm engine's bare abort, failed memory growth and TensorFlow's OOM, also as a cause", () => {
    const abort = new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.');
    expect(isOutOfMemory(abort)).toBe(true);
    expect(isOutOfMemory(new Error('inn: prepare failed', { cause: abort }))).toBe(true);
    expect(isOutOfMemory(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'))).toBe(true);
    expect(isOutOfMemory(new Error('OOM when allocating tensor with shape[512,2048,7,7]'))).toBe(true);
    expect(isOutOfMemory(new Error('the defense\'s predict returned shape [9, 1000], expected [9, 3]'))).toBe(false);
    expect(isOutOfMemory('Aborted()')).toBe(false);
  });

  it('name the defense, the stage, what was resident, the limit and what to try', () => {
    const before = { tensorBytes: 1.5 * 2 ** 30, tensors: 2000, heapBytes: 2 * 2 ** 30, heapLimitBytes: 4_294_901_760, rssBytes: 3 * 2 ** 30 };
    const after = { ...before, heapBytes: 4_294_901_760 };
    const error = outOfMemoryError({ defense: 'inn', stage: 'prepare', backend: 'wasm', before, after, resident: ['base model', 'inn'] }, new Error('Aborted()'));
    expect(error.code).toBe('ADVBENCH_ERR_OUT_OF_MEMORY');
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^inn: the wasm backend ran out of memory while preparing it/);
    expect(error.message).toContain('Resident when it began: 1.50 GiB in 2000 tensors, wasm heap 2.00 GiB of its 4.00 GiB limit');
    expect(error.message).toContain('models resident: base model, inn');
    expect(error.message).toContain('--backend tensorflow-gpu');
    expect(error.message).toContain('batchSize');
    expect(error.message).toContain('votingCheckpoints');
  });
});
