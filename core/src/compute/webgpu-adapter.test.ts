import { describe, expect, it } from 'vitest';
import { describeAdapter, formatAdapter, isSoftwareAdapter, readLimits } from './webgpu-adapter.js';

/** A GPUSupportedLimits look-alike: limits are getters on the prototype, as in Dawn. */
function limitsObject(values: Record<string, number>): object {
  const prototype = {};
  for (const [name, value] of Object.entries(values)) Object.defineProperty(prototype, name, { get: () => value, enumerable: false });
  return Object.create(prototype) as object;
}

describe('WebGPU adapter facts', () => {
  it('reads limits that live as getters on the prototype (Object.keys sees none)', () => {
    const limits = limitsObject({ maxBufferSize: 2 ** 32 - 1, maxStorageBufferBindingSize: 2 ** 27 });
    expect(Object.keys(limits)).toEqual([]);
    expect(readLimits(limits)).toEqual({ maxBufferSize: 2 ** 32 - 1, maxStorageBufferBindingSize: 2 ** 27 });
  });

  it('tells software adapters (lavapipe, SwiftShader, fallback) from GPUs', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: '', device: '', description: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'x', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA: 550.54' })).toBe(false);
  });

  it('describes an adapter for results and the log line', () => {
    const adapter = {
      info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA H200' },
      limits: limitsObject({ maxBufferSize: 2 ** 34, maxStorageBufferBindingSize: 2 ** 32 - 4 }),
      features: { has: () => false },
      requestDevice: async () => ({}),
    };
    const description = describeAdapter(adapter);
    expect(description).toEqual({
      vendor: 'nvidia',
      architecture: 'hopper',
      device: 'NVIDIA H200',
      description: 'NVIDIA H200',
      software: false,
      limits: { maxBufferSize: 2 ** 34, maxStorageBufferBindingSize: 2 ** 32 - 4 },
    });
    expect(formatAdapter(description)).toBe('NVIDIA H200 (nvidia, GPU; maxStorageBufferBindingSize 4095 MiB, maxBufferSize 16384 MiB)');
  });
});
