import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSimdBinary, simdKernelsSupported } from './load-simd-kernels.js';

const here = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** Section ids of a wasm binary, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let offset = 8;
  while (offset < bytes.length) {
    ids.push(bytes[offset]);
    let size = 0;
    let shift = 0;
    offset += 1;
    for (;;) {
      const byte = bytes[offset];
      offset += 1;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    offset += size;
  }
  return ids;
}

describe('advbench-kernels wasm binaries', () => {
  it('were built from the committed C source (run npm run build:wasm-simd after editing it)', () => {
    const digest = createHash('sha256').update(readFileSync(here('advbench-kernels.c'))).digest('hex');
    expect(readFileSync(here('advbench-kernels.source-sha256'), 'utf8').trim()).toBe(digest);
  });

  it.each(['advbench-kernels.wasm', 'advbench-kernels.shared.wasm'])('%s owns no memory: no data section, imports only env.memory', (name) => {
    const bytes = readSimdBinary(name);
    expect(sectionIds(bytes)).not.toContain(11);
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).map((entry) => entry.name)).toContain('advbench_batch_norm_training');
  });

  it('compile on this JavaScript engine (WebAssembly SIMD)', () => {
    expect(simdKernelsSupported()).toBe(true);
  });
});
