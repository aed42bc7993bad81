import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRandom } from '../../random/seeded-random.js';
import { VAL_SOLUTION_FILE } from '../imagenet-ground-truth.js';

/** What {@link writeImagenetMiniature} writes. */
export interface ImagenetMiniatureOptions {
  /** ImageNet wnids to use as classes. */
  wnids: readonly string[];
  /** Training JPEGs per class (train/<wnid>/<wnid>_<n>.JPEG). */
  trainPerClass: number;
  /** Validation JPEGs per class. */
  valPerClass: number;
  /** `flat`: val/ILSVRC2012_val_<n>.JPEG plus LOC_val_solution.csv next to train/ and val/ (the official layout); `folders`: val/<wnid>/. */
  valLayout: 'flat' | 'folders';
  /** Image side in pixels (images are a little wider than tall, as photos are). */
  size: number;
  /** Seed of the pixel noise. */
  seed?: number;
}

/**
 * Writes a miniature of ImageNet's official layout under `folder`: JPEGs whose colour depends on the class (plus
 * seeded noise, so a network can learn them and they are not trivially identical), with the official file names
 * and, for a flat val/, an `ImageId,PredictionString` ground-truth file with one box per image. Returns the val
 * image ids in order with their wnids.
 */
export async function writeImagenetMiniature(folder: string, options: ImagenetMiniatureOptions): Promise<Array<{ id: string; wnid: string }>> {
  const random = createRandom(options.seed ?? 0);
  const width = Math.round(options.size * 1.25);
  const height = options.size;
  const jpeg = async (path: string, classIndex: number) => {
    const base = [(classIndex * 97) % 256, (classIndex * 57 + 80) % 256, (classIndex * 151 + 160) % 256];
    const pixels = Buffer.alloc(width * height * 3);
    for (let index = 0; index < pixels.length; index += 1) pixels[index] = Math.max(0, Math.min(255, base[index % 3] + Math.round((random.next() - 0.5) * 60)));
    await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toFile(path);
  };
  const val: Array<{ id: string; wnid: string }> = [];
  let valNumber = 0;
  for (const [classIndex, wnid] of options.wnids.entries()) {
    await mkdir(join(folder, 'train', wnid), { recursive: true });
    for (let image = 0; image < options.trainPerClass; image += 1) await jpeg(join(folder, 'train', wnid, `${wnid}_${image + 1}.JPEG`), classIndex);
    const valFolder = options.valLayout === 'flat' ? join(folder, 'val') : join(folder, 'val', wnid);
    await mkdir(valFolder, { recursive: true });
    for (let image = 0; image < options.valPerClass; image += 1) {
      valNumber += 1;
      const id = `ILSVRC2012_val_${String(valNumber).padStart(8, '0')}`;
      await jpeg(join(valFolder, `${id}.JPEG`), classIndex);
      val.push({ id, wnid });
    }
  }
  if (options.valLayout === 'flat') {
    const rows = val.map(({ id, wnid }) => `${id},${wnid} 10 12 ${width - 8} ${height - 6} `);
    await writeFile(join(folder, VAL_SOLUTION_FILE), `ImageId,PredictionString\n${rows.join('\n')}\n`);
  }
  return val;
}
