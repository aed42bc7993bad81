import type { DatasetInfo } from '@advbench/core';

/** A number quoted from the literature, drawn as a reference point (never as a result of this run). */
export interface LiteraturePoint {
  /** Method, for example `adversarial training`. */
  method: string;
  /** Where the number comes from. */
  source: string;
  /** Linf budget on the /255 scale. */
  epsilon255: number;
  /** Accuracy in percent. */
  accuracy: number;
}

/** Where the reference numbers come from. */
export const LITERATURE_SOURCE =
  'Balaji et al. 2019, "Instance adaptive adversarial training", ImageNet, PGD-1000; as quoted in arXiv 2310.05947';

/** The ImageNet reference numbers quoted by the INN paper (arXiv 2310.05947). */
export const IMAGENET_LITERATURE: LiteraturePoint[] = [
  { method: 'adversarial training', source: LITERATURE_SOURCE, epsilon255: 0, accuracy: 57.26 },
  { method: 'adversarial training', source: LITERATURE_SOURCE, epsilon255: 16, accuracy: 40.4 },
  { method: 'IAAT', source: LITERATURE_SOURCE, epsilon255: 0, accuracy: 67.44 },
  { method: 'IAAT', source: LITERATURE_SOURCE, epsilon255: 16, accuracy: 27.85 },
];

/** True when the dataset looks like ImageNet: its name says so, or it is an imagefolder with 1000 classes. */
export function looksLikeImageNet(dataset: Pick<DatasetInfo, 'name' | 'classes'>): boolean {
  if (/imagenet/i.test(dataset.name)) return true;
  return dataset.name.startsWith('imagefolder') && dataset.classes === 1000;
}

/** The literature points to draw for a dataset: the ImageNet numbers on ImageNet runs, none otherwise. */
export function literatureFor(dataset: Pick<DatasetInfo, 'name' | 'classes'>): LiteraturePoint[] {
  return looksLikeImageNet(dataset) ? IMAGENET_LITERATURE : [];
}
