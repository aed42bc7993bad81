import { stat } from 'node:fs/promises';
import { DATASET_MISSING, fileError } from './dataset-errors.js';

/** Throws an exit-2 error naming `folder` unless it exists and is a directory. */
export async function assertFolder(folder: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(folder)).isDirectory();
  } catch (error) {
    throw fileError(DATASET_MISSING, folder, 'dataset folder not found', error);
  }
  if (!isDirectory) throw fileError(DATASET_MISSING, folder, 'is not a folder');
}
