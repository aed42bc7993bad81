import { describe, expect, it } from 'vitest';
import { parseSafetensors } from './read-safetensors.js';

/** A safetensors file of `header` followed by `data`. */
function safetensors(header: unknown, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  return bytes;
}

describe('parseSafetensors', () => {
  it('reads F32, F16 and I64 tensors by name, skipping __metadata__', () => {
    const data = new Uint8Array(8 + 4 + 8);
    const view = new DataView(data.buffer);
    view.setFloat32(0, 1.5, true);
    view.setFloat32(4, -2, true);
    view.setUint16(8, 0x3c00, true); // 1.0 in half precision
    view.setUint16(10, 0xc000, true); // -2.0
    view.setBigInt64(12, 7n, true);
    const file = safetensors(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F16', shape: [1, 2], data_offsets: [8, 12] },
        c: { dtype: 'I64', shape: [], data_offsets: [12, 20] },
      },
      data,
    );
    const tensors = parseSafetensors(file, 'x.safetensors');
    expect([...tensors.keys()]).toEqual(['a', 'b', 'c']);
    expect(Array.from(tensors.get('a')!.values)).toEqual([1.5, -2]);
    expect(tensors.get('b')!.shape).toEqual([1, 2]);
    expect(Array.from(tensors.get('b')!.values)).toEqual([1, -2]);
    expect(Array.from(tensors.get('c')!.values)).toEqual([7]);
  });

  it('refuses malformed files with exit-2 errors naming the file and the tensor', () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(4), /too short/],
      [safetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(0)).subarray(0, 12), /header length/],
      [safetensors({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor "a": shape \[3\] of F32 needs 12 bytes/],
      [safetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 16] } }, new Uint8Array(8)), /tensor "a": data_offsets \[0, 16\] lie outside/],
      [safetensors({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)), /tensor "a" has dtype U8/],
      [safetensors([1, 2], new Uint8Array(0)), /not a JSON object/],
    ];
    for (const [bytes, message] of cases) {
      try {
        parseSafetensors(bytes, '/data/model.safetensors');
        expect.unreachable(`should refuse (${message})`);
      } catch (error) {
        expect(error).toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_MODEL_FILE' });
        expect((error as Error).message).toMatch(/^\/data\/model\.safetensors: /);
        expect((error as Error).message).toMatch(message);
      }
    }
  });
});
