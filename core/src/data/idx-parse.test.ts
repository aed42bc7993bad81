import { describe, expect, it } from 'vitest';
import { isAdvbenchError } from '../plugin-api/index.js';
import { encodeIdx } from './idx-encode.js';
import { parseIdx } from './idx-parse.js';

function caught(run: () => unknown): { code: string; exitCode: number; message: string } {
  try {
    run();
  } catch (error) {
    if (!isAdvbenchError(error)) throw error;
    return error;
  }
  throw new Error('expected an error');
}

describe('parseIdx', () => {
  it('reads dimensions and data of an images file and a labels file', () => {
    const pixels = Array.from({ length: 2 * 3 * 4 }, (_, index) => index * 5);
    const images = parseIdx(encodeIdx([2, 3, 4], pixels), 'images', [3, 4]);
    expect(images.dimensions).toEqual([2, 3, 4]);
    expect(Array.from(images.data)).toEqual(pixels);
    const labels = parseIdx(encodeIdx([3], [7, 0, 9]), 'labels', [1]);
    expect(labels.dimensions).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([7, 0, 9]);
  });

  it('reads big-endian dimensions above 255', () => {
    const parsed = parseIdx(encodeIdx([300], new Uint8Array(300).fill(1)), 'labels', [1]);
    expect(parsed.dimensions).toEqual([300]);
  });

  it('refuses a wrong magic number, naming the file', () => {
    const bytes = encodeIdx([1], [0]);
    bytes[0] = 0x1f;
    const error = caught(() => parseIdx(bytes, '/data/x-labels', [1]));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('ADVBENCH_ERR_DATASET_CORRUPT');
    expect(error.message).toMatch(/^\/data\/x-labels: wrong magic number 1f 00 08 01/);
  });

  it('refuses non-byte data types and unexpected ranks', () => {
    const floats = encodeIdx([1], [0]);
    floats[2] = 0x0d;
    expect(caught(() => parseIdx(floats, 'f', [1])).message).toMatch(/0x0d \(float32\) is not supported/);
    expect(caught(() => parseIdx(encodeIdx([1, 1], [0]), 'r', [1])).message).toMatch(/rank 2 where 1 was expected/);
  });

  it('refuses a truncated file and trailing bytes', () => {
    const whole = encodeIdx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(caught(() => parseIdx(whole.subarray(0, whole.length - 1), 'cut', [3])).message).toMatch(/^cut: truncated: dimensions \[2, 2, 2\] need 8 data bytes, the file has 7/);
    expect(caught(() => parseIdx(whole.subarray(0, 10), 'header', [3])).message).toMatch(/shorter than its 16-byte IDX header/);
    expect(caught(() => parseIdx(whole.subarray(0, 2), 'tiny', [3])).message).toMatch(/too short/);
    const longer = new Uint8Array(whole.length + 3);
    longer.set(whole);
    expect(caught(() => parseIdx(longer, 'long', [3])).message).toMatch(/3 unexpected bytes after the data/);
  });
});
