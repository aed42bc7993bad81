import { readFile } from 'node:fs/promises';
import { corruptFile } from './dataset-errors.js';
import type { ImagenetClasses } from './imagenet-classes.js';

/** File name of the official validation ground truth (ImageNet object localization challenge download). */
export const VAL_SOLUTION_FILE = 'LOC_val_solution.csv';

/** The header line of {@link VAL_SOLUTION_FILE}. */
const HEADER = 'ImageId,PredictionString';

/**
 * Reads `LOC_val_solution.csv` (`ImageId,PredictionString`, then one row per image:
 * `ILSVRC2012_val_00008726,n02119789 255 142 454 329 n02119789 44 21 322 295`: every box names the image's class)
 * into image id to label. A missing or wrong header, a row without an id or a class, a class that is not one of
 * the 1000, boxes of two classes in one row or an id listed twice is an exit-2 error naming the file and the line.
 */
export async function readValSolution(file: string, classes: ImagenetClasses): Promise<Map<string, number>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw corruptFile(file, `cannot be read (${(error as Error).message})`, error);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== HEADER) {
    throw corruptFile(file, `line 1 must be the header "${HEADER}", got "${(lines[0] ?? '').slice(0, 80)}" (is this the official ${VAL_SOLUTION_FILE}?)`);
  }
  const labels = new Map<string, number>();
  lines.slice(1).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `line ${index + 2}`;
    const comma = line.indexOf(',');
    const id = comma < 0 ? '' : line.slice(0, comma).trim();
    const tokens = comma < 0 ? [] : line.slice(comma + 1).trim().split(/\s+/).filter((token) => token !== '');
    if (id === '' || tokens.length === 0) throw corruptFile(file, `${where}: expected "<ImageId>,<wnid> <box>...", got "${line.slice(0, 80)}"`);
    const wnids = new Set(tokens.filter((token) => !/^-?\d+(\.\d+)?$/.test(token)));
    const [wnid] = wnids;
    const label = wnid === undefined ? undefined : classes.labels.get(wnid);
    if (label === undefined) throw corruptFile(file, `${where}: image ${id} has class "${wnid ?? tokens[0]}", not one of the 1000 ImageNet wnids`);
    if (wnids.size > 1) throw corruptFile(file, `${where}: image ${id} has boxes of ${wnids.size} classes (${[...wnids].join(', ')}); the classification label must be one`);
    if (labels.has(id)) throw corruptFile(file, `${where}: image ${id} is listed twice`);
    labels.set(id, label);
  });
  if (labels.size === 0) throw corruptFile(file, 'lists no images');
  return labels;
}
