import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
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

/** The base names of every C source in this folder (each is built into two committed binaries). */
const sources = readdirSync(fileURLToPath(new URL('./', import.meta.url)))
  .filter((file) => file.endsWith('.c'))
  .map((file) => file.slice(0, -2))
  .sort();

describe('advbench wasm SIMD binaries', () => {
  it('include advbench-kernels and pointwise-kernels', () => {
    expect(sources).toEqual(expect.arrayContaining(['advbench-kernels', 'pointwise-kernels']));
  });

  it.each(sources)('%s binaries were built from the committed C source (run npm run build:wasm-simd after editing it)', (name) => {
    const digest = createHash('sha256').update(readFileSync(here(`${name}.c`))).digest('hex');
    expect(readFileSync(here(`${name}.source-sha256`), 'utf8').trim()).toBe(digest);
  });

  it.each(sources.flatMap((name) => [`${name}.wasm`, `${name}.shared.wasm`]))('%s owns no memory: no data section, imports only env.memory', (name) => {
    const bytes = readSimdBinary(name);
    expect(sectionIds(bytes)).not.toContain(11);
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).length).toBeGreaterThan(0);
  });

  it('export the kernels advbench binds', () => {
    const exportsOf = (name: string): string[] => WebAssembly.Module.exports(new WebAssembly.Module(readSimdBinary(name))).map((entry) => entry.name);
    expect(exportsOf('advbench-kernels.wasm')).toContain('advbench_batch_norm_training');
    expect(exportsOf('pointwise-kernels.shared.wasm')).toEqual(expect.arrayContaining(['advbench_batch_norm_input_grad', 'advbench_relu', 'advbench_pad_images', 'advbench_crop_images', 'advbench_add']));
  });

  it('compile on this JavaScript engine (WebAssembly SIMD)', () => {
    expect(simdKernelsSupported()).toBe(true);
  });
});
