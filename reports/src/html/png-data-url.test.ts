import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pngDataUrl } from './png-data-url.js';

/** Decodes the data URL back into header fields and raw scanlines. */
function decode(url: string): { width: number; height: number; colorType: number; raw: Buffer } {
  const png = Buffer.from(url.replace('data:image/png;base64,', ''), 'base64');
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const colorType = png[25];
  const idatLength = png.readUInt32BE(33);
  expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
  return { width, height, colorType, raw: inflateSync(png.subarray(41, 41 + idatLength)) };
}

describe('pngDataUrl', () => {
  it('encodes unit-range RGB pixels as they are', () => {
    const url = pngDataUrl({ shape: [1, 2, 3], data: [1, 0, 0, 0, 0.5, 1] });
    const { width, height, colorType, raw } = decode(url);
    expect([width, height, colorType]).toEqual([2, 1, 2]);
    expect([...raw]).toEqual([0, 255, 0, 0, 0, 128, 255]);
  });

  it('rescales values outside [0, 1] min-max, in grey', () => {
    const { colorType, raw } = decode(pngDataUrl({ shape: [2, 1, 1], data: new Float32Array([-2, 2]) }));
    expect(colorType).toBe(0);
    expect([...raw]).toEqual([0, 0, 0, 255]);
  });

  it('refuses data that does not fit the shape', () => {
    expect(() => pngDataUrl({ shape: [2, 2, 3], data: [0, 1] })).toThrow(RangeError);
    expect(() => pngDataUrl({ shape: [1, 1, 2], data: [0, 1] })).toThrow(/shape/);
  });
});
