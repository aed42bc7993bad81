import { readFile } from 'node:fs/promises';
import { shippedImagenetClassesFile } from './data-location.js';
import { corruptFile } from './dataset-errors.js';
import type { ClassIndex } from './image-folder-listing.js';

/** Classes of ImageNet-1k (ILSVRC-2012). */
export const IMAGENET_CLASS_COUNT = 1000;

/** An ImageNet wnid: `n` and 8 digits. */
const WNID = /^n\d{8}$/;

/** The standard ImageNet-1k class index: label i is the i-th of the 1000 wnids in sorted order; names are WordNet's first lemma. */
export interface ImagenetClasses extends ClassIndex {
  /** The 1000 wnids, label order. */
  wnids: string[];
}

let cached: Promise<ImagenetClasses> | undefined;

/** Reads (once per process) and checks the shipped class list: 1000 distinct wnids, sorted. */
export function imagenetClasses(): Promise<ImagenetClasses> {
  cached ??= readClasses(shippedImagenetClassesFile());
  return cached;
}

/** True when `name` looks like a wnid (`n01440764`). */
export function isWnid(name: string): boolean {
  return WNID.test(name);
}

async function readClasses(file: string): Promise<ImagenetClasses> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.length > 0);
  const wnids = lines.map((line) => line.split('\t')[0]);
  const names = lines.map((line, index) => line.split('\t')[1] ?? wnids[index]);
  const sorted = wnids.every((wnid, index) => isWnid(wnid) && (index === 0 || wnids[index - 1] < wnid));
  if (wnids.length !== IMAGENET_CLASS_COUNT || !sorted) throw corruptFile(file, `must list ${IMAGENET_CLASS_COUNT} distinct wnids in sorted order (reinstall advbench)`);
  return { wnids, names, labels: new Map(wnids.map((wnid, index) => [wnid, index])) };
}
