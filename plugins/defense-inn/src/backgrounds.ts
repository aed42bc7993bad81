import type { ImageShape } from '@advbench/core/plugin-api';
import { BUILT_IN_BACKGROUND_COUNT } from './inn-options.js';

/** Names of the built-in backgrounds, in order (K selects the first K). */
export const BUILT_IN_BACKGROUND_NAMES: readonly string[] = Object.freeze([
  'horizontal stripes',
  'vertical stripes',
  'checkerboard',
  'rings',
  'diagonal gradient',
  'radial gradient',
  'dots',
  'waves',
]);

/** Colour of each pattern on colour images (RGB multipliers); grayscale images use the first channel's pattern at full strength. */
const TINTS: readonly (readonly [number, number, number])[] = [
  [1, 0.2, 0.2],
  [0.2, 1, 0.2],
  [0.2, 0.2, 1],
  [1, 1, 0.2],
  [1, 0.2, 1],
  [0.2, 1, 1],
  [1, 0.6, 0.2],
  [0.6, 0.2, 1],
];

/** One pattern: value in [0, 1] at pixel (row, column) of an image `height` x `width`. */
type Pattern = (row: number, column: number, height: number, width: number) => number;

/** Half-period of stripe-like patterns: about seven periods across the image, never under one pixel. */
function halfPeriod(size: number): number {
  return Math.max(1, Math.round(size / 14));
}

/** Distance of a pixel centre from the image centre, in pixels. */
function radius(row: number, column: number, height: number, width: number): number {
  return Math.hypot(row + 0.5 - height / 2, column + 0.5 - width / 2);
}

const PATTERNS: readonly Pattern[] = [
  (row, _column, height) => Math.floor(row / halfPeriod(height)) % 2,
  (_row, column, _height, width) => Math.floor(column / halfPeriod(width)) % 2,
  (row, column, height, width) => {
    const cell = Math.max(1, Math.round(Math.min(height, width) / 6));
    return (Math.floor(row / cell) + Math.floor(column / cell)) % 2;
  },
  (row, column, height, width) => Math.floor(radius(row, column, height, width) / halfPeriod(Math.min(height, width))) % 2,
  (row, column, height, width) => (row / Math.max(1, height - 1) + column / Math.max(1, width - 1)) / 2,
  (row, column, height, width) => Math.max(0, 1 - radius(row, column, height, width) / Math.hypot(height / 2, width / 2)),
  (row, column, height, width) => {
    const spacing = Math.max(3, Math.round(Math.min(height, width) / 5));
    const centre = (spacing - 1) / 2;
    const distance = Math.hypot((row % spacing) - centre, (column % spacing) - centre);
    return distance <= spacing * 0.3 ? 1 : 0;
  },
  (row, column, height, width) => {
    const u = column / width;
    const v = row / height;
    return 0.5 + 0.5 * Math.sin(2 * Math.PI * (3 * u + 0.6 * Math.sin(2 * Math.PI * 2 * v)));
  },
];

/**
 * Generates the first `count` built-in artificial backgrounds for images of `shape` [height, width, channels]:
 * deterministic (no randomness), values in [0, 1], row-major HWC, visually distinct patterns
 * (see {@link BUILT_IN_BACKGROUND_NAMES}). Colour images get a different tint per pattern.
 */
export function generateBackgrounds(shape: ImageShape, count: number): Float32Array[] {
  const [height, width, channels] = shape;
  if (!Number.isInteger(count) || count < 1 || count > BUILT_IN_BACKGROUND_COUNT) {
    throw new RangeError(`generateBackgrounds: count must be an integer in 1..${BUILT_IN_BACKGROUND_COUNT}, got ${count}`);
  }
  if (![height, width, channels].every((size) => Number.isInteger(size) && size >= 1)) {
    throw new RangeError(`generateBackgrounds: shape must be three positive integers, got [${shape.join(', ')}]`);
  }
  const images: Float32Array[] = [];
  for (let index = 0; index < count; index += 1) {
    const pattern = PATTERNS[index];
    const tint = TINTS[index];
    const data = new Float32Array(height * width * channels);
    for (let row = 0; row < height; row += 1) {
      for (let column = 0; column < width; column += 1) {
        const value = pattern(row, column, height, width);
        for (let channel = 0; channel < channels; channel += 1) {
          const strength = channels === 1 ? 1 : tint[channel % 3];
          data[(row * width + column) * channels + channel] = value * strength;
        }
      }
    }
    images.push(data);
  }
  return images;
}

/** A 32-bit FNV-1a hash (hex) of background pixel data, for cache keys of user backgrounds. */
export function hashBackgrounds(images: readonly Float32Array[]): string {
  let hash = 0x811c9dc5;
  for (const image of images) {
    const bytes = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
    for (let index = 0; index < bytes.length; index += 1) {
      hash ^= bytes[index];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    hash ^= 0xff;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
