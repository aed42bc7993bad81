import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { EventBus } from '../../events/event-bus.js';
import { formatBytes, readMemoryUsage, WASM_HEAP_LIMIT_BYTES } from './memory-usage.js';
import { MemoryWatermark } from './memory-watermark.js';

describe('MemoryWatermark', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('keeps the most tensor bytes seen at progress events during a stage, and the wasm heap with its limit', () => {
    const events = new EventBus('run');
    const watermark = new MemoryWatermark(tf, events);
    const start = watermark.endStage().after.tensorBytes;
    const transient = tf.zeros([1000, 250]); // 1,000,000 bytes
    events.emit({ type: 'train-progress', defense: 'd', phase: 'train', epoch: 1, epochs: 1, step: 1, steps: 1, loss: 0, examplesPerSecond: 0, etaSeconds: 0 } as never);
    transient.dispose();
    const stage = watermark.endStage();
    expect(stage.peakTensorBytes - start).toBe(1_000_000);
    expect(stage.after.tensorBytes).toBe(start);
    expect(stage.after.heapBytes).toBeGreaterThan(0);
    expect(stage.after.heapLimitBytes).toBe(WASM_HEAP_LIMIT_BYTES);
    // Closed: progress no longer samples.
    watermark.close();
    const later = tf.zeros([1000, 250]);
    events.emit({ type: 'cell-progress', cellId: 'c' } as never);
    later.dispose();
    expect(watermark.endStage().peakTensorBytes).toBe(start);
    expect(readMemoryUsage(tf).rssBytes).toBeGreaterThan(0);
  });

  it('formats bytes', () => {
    expect(formatBytes(7)).toBe('7 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(230 * 2 ** 20)).toBe('230 MiB');
    expect(formatBytes(3.18 * 2 ** 30)).toBe('3.18 GiB');
  });
});
