import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { isAdvbenchError } from '@advbench/core/plugin-api';
import { loadBackgroundFolder } from './background-folder.js';

/** Writes a solid-colour PNG of the given size. */
async function solidPng(file: string, width: number, height: number, rgb: [number, number, number]): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(file);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAdvbenchError(error)) return `${error.code} exit ${error.exitCode}: ${error.message}`;
    throw error;
  }
  throw new Error('expected an error');
}

describe('background folder', () => {
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'advbench-inn-backgrounds-'));
    // File names sort b-red, c-white, d-blue; a.txt is not an image.
    await solidPng(join(folder, 'c-white.png'), 40, 10, [255, 255, 255]);
    await solidPng(join(folder, 'b-red.png'), 13, 57, [255, 0, 0]);
    await solidPng(join(folder, 'd-blue.png'), 5, 5, [0, 0, 255]);
    writeFileSync(join(folder, 'a.txt'), 'not an image');
  });

  it('reads the first K images by name, resized to the input shape, in colour', async () => {
    const result = await loadBackgroundFolder(folder, [6, 8, 3], 2);
    expect(result.names).toEqual(['b-red.png', 'c-white.png']);
    expect(result.images).toHaveLength(2);
    expect(result.images[0].length).toBe(6 * 8 * 3);
    expect(Array.from(result.images[0].slice(0, 3))).toEqual([1, 0, 0]);
    expect(result.images[1].every((value) => value === 1)).toBe(true);
  });

  it('converts to grayscale by luminance', async () => {
    const result = await loadBackgroundFolder(folder, [4, 4, 1], 3);
    expect(result.images[0].length).toBe(16);
    expect(result.images[0][0]).toBeCloseTo(0.299, 2);
    expect(result.images[1][0]).toBeCloseTo(1, 5);
    expect(result.images[2][0]).toBeCloseTo(0.114, 2);
  });

  it('refuses a missing folder, too few images and an undecodable file, naming them', async () => {
    expect(await codeOf(loadBackgroundFolder(join(folder, 'nope'), [4, 4, 1], 1))).toMatch(/ADVBENCH_ERR_INN_BACKGROUND_FOLDER exit 2: .*cannot read folder .*nope/);
    expect(await codeOf(loadBackgroundFolder(folder, [4, 4, 1], 4))).toMatch(/holds 3 image file\(s\).*backgrounds asks for 4/);
    const broken = mkdtempSync(join(tmpdir(), 'advbench-inn-broken-'));
    writeFileSync(join(broken, 'x.png'), 'not a png');
    expect(await codeOf(loadBackgroundFolder(broken, [4, 4, 1], 1))).toMatch(/ADVBENCH_ERR_INN_BACKGROUND_IMAGE exit 2: .*cannot decode .*x\.png/);
  });
});
