import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { inputError } from '@advbench/core/plugin-api';
import type { ImageShape } from '@advbench/core/plugin-api';

/** Image file extensions read from a background folder. */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.bmp']);

/** Backgrounds read from a user folder. */
export interface FolderBackgrounds {
  /** Pixel data, row-major HWC, values in [0, 1], one per image. */
  images: Float32Array[];
  /** File names, in the same order. */
  names: string[];
}

/**
 * Reads the first `count` images (sorted by file name) of `folder`, resized to `shape` (ignoring aspect ratio),
 * converted to its channel count (grayscale: luminance; colour: RGB, alpha dropped) and scaled to [0, 1].
 * Decoding uses `sharp`, loaded on first use. Throws exit-2 errors naming the folder or the file.
 */
export async function loadBackgroundFolder(folder: string, shape: ImageShape, count: number): Promise<FolderBackgrounds> {
  const [height, width, channels] = shape;
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch (cause) {
    throw inputError('ADVBENCH_ERR_INN_BACKGROUND_FOLDER', `inn options.backgroundFolder: cannot read folder ${folder}`, { cause, details: { path: 'backgroundFolder', folder } });
  }
  const files = entries.filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase())).sort();
  if (files.length < count) {
    throw inputError(
      'ADVBENCH_ERR_INN_BACKGROUND_FOLDER',
      `inn options.backgroundFolder: ${folder} holds ${files.length} image file(s) (${[...IMAGE_EXTENSIONS].join(', ')}), but backgrounds asks for ${count}`,
      { details: { path: 'backgroundFolder', folder, found: files.length, wanted: count } },
    );
  }
  let sharp: Awaited<typeof import('sharp')>['default'];
  try {
    sharp = (await import('sharp')).default;
  } catch (cause) {
    throw inputError('ADVBENCH_ERR_INN_SHARP_MISSING', 'inn options.backgroundFolder needs the "sharp" package to decode images; install it with npm i sharp', { cause });
  }
  const names = files.slice(0, count);
  const images: Float32Array[] = [];
  for (const name of names) {
    const file = join(folder, name);
    let decoded: { data: Buffer; info: { channels: number } };
    try {
      decoded = await sharp(file).resize(width, height, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    } catch (cause) {
      throw inputError('ADVBENCH_ERR_INN_BACKGROUND_IMAGE', `inn options.backgroundFolder: cannot decode ${file}`, { cause, details: { path: 'backgroundFolder', file } });
    }
    images.push(toChannels(decoded.data, decoded.info.channels, height * width, channels));
  }
  return { images, names };
}

/** Converts interleaved 8-bit pixels with `sourceChannels` channels into float HWC with `channels` channels. */
function toChannels(data: Uint8Array, sourceChannels: number, pixels: number, channels: number): Float32Array {
  const result = new Float32Array(pixels * channels);
  for (let pixel = 0; pixel < pixels; pixel += 1) {
    const red = data[pixel * sourceChannels] / 255;
    const green = data[pixel * sourceChannels + Math.min(1, sourceChannels - 1)] / 255;
    const blue = data[pixel * sourceChannels + Math.min(2, sourceChannels - 1)] / 255;
    if (channels === 1) {
      result[pixel] = 0.299 * red + 0.587 * green + 0.114 * blue;
    } else {
      const rgb = [red, green, blue];
      for (let channel = 0; channel < channels; channel += 1) result[pixel * channels + channel] = rgb[channel % 3];
    }
  }
  return result;
}
