import Table from 'cli-table3';
import type { DatasetSpec } from '../config/run-spec.js';
import type { DatasetInfo } from '../plugin-api/index.js';
import { openDataset } from './open-dataset.js';

/** What `advbench data describe` reports (its `--json` output). */
export type DatasetDescription = Pick<
  DatasetInfo,
  'name' | 'trainCount' | 'testCount' | 'inputShape' | 'classes' | 'classNames' | 'checksumsVerified' | 'contentHash'
>;

/** Opens the dataset (verifying checksums, applying subsets) and returns its description. */
export async function describeDataset(spec: DatasetSpec, options: { seed: number; verify?: boolean }): Promise<DatasetDescription> {
  const dataset = await openDataset(spec, options);
  try {
    const { name, trainCount, testCount, inputShape, classes, classNames, checksumsVerified, contentHash } = dataset.info;
    return { name, trainCount, testCount, inputShape, classes, classNames, checksumsVerified, contentHash };
  } finally {
    await dataset.close?.();
  }
}

/** The description as a two-column table for a terminal. */
export function formatDatasetDescription(description: DatasetDescription): string {
  const table = new Table({ wordWrap: true, colWidths: [16, 72], style: { head: [], border: [] } });
  table.push(
    ['name', description.name],
    ['train images', String(description.trainCount)],
    ['test images', String(description.testCount)],
    ['input shape', `[${description.inputShape.join(', ')}] (height, width, channels)`],
    ['classes', String(description.classes)],
    ['class names', description.classNames.join(', ')],
    ['checksums', description.checksumsVerified ? 'verified (SHA-256 matches the official files)' : 'not verified (no known checksums for these files)'],
    ['content hash', description.contentHash],
  );
  return table.toString();
}
