import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { AdvbenchError, inputError, isAdvbenchError } from './errors.js';

describe('coded errors', () => {
  it('marks input errors with exit code 2 and keeps the cause', () => {
    const cause = new Error('inner');
    const error = inputError('ADVBENCH_ERR_X', 'bad', { cause });
    expect(error.exitCode).toBe(2);
    expect(error.cause).toBe(cause);
    expect(isAdvbenchError(error)).toBe(true);
    expect(isAdvbenchError(new Error('plain'))).toBe(false);
    expect(new AdvbenchError('A', 'b').exitCode).toBe(1);
  });
  it('wasm loads', async () => {
    await tf.setBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});
