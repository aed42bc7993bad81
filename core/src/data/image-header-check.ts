import sharp from 'sharp';
import { corruptFile } from './dataset-errors.js';

/**
 * Reads the header of every image in `paths` (format and size, without decoding the pixels) and throws an exit-2
 * error naming the first file that is not a readable image, so a bad file in an image folder stops a run before
 * any work rather than failing the cells that read it. `concurrency` headers are read at once (default 16).
 */
export async function checkImageHeaders(paths: readonly string[], concurrency = 16): Promise<void> {
  let next = 0;
  let failure: Error | undefined;
  const worker = async () => {
    while (next < paths.length && failure === undefined) {
      const path = paths[next];
      next += 1;
      try {
        const metadata = await sharp(path).metadata();
        if (!metadata.width || !metadata.height) throw new Error('no image dimensions in the header');
      } catch (error) {
        failure ??= corruptFile(path, `not a readable image (${(error as Error).message}); fix or remove the file`, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  if (failure) throw failure;
}
