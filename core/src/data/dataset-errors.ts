import { inputError, type AdvbenchError } from '../plugin-api/index.js';

/** Error code: a dataset folder or file does not exist. */
export const DATASET_MISSING = 'ADVBENCH_ERR_DATASET_MISSING';
/** Error code: a dataset file is unreadable, truncated, of the wrong format or fails to decode. */
export const DATASET_CORRUPT = 'ADVBENCH_ERR_DATASET_CORRUPT';
/** Error code: a dataset file's SHA-256 differs from the known value. */
export const DATASET_CHECKSUM = 'ADVBENCH_ERR_DATASET_CHECKSUM';
/** Error code: a dataset reference with an unknown scheme or a bad dataset option. */
export const DATASET_REFERENCE = 'ADVBENCH_ERR_DATASET_REFERENCE';
/** Error code: a bad `trainSamples` / `testSamples` value. */
export const DATASET_SUBSET = 'ADVBENCH_ERR_DATASET_SUBSET';

/** An exit-2 error about one dataset file: the message starts with the path and says what is wrong. */
export function fileError(code: string, file: string, problem: string, cause?: unknown): AdvbenchError {
  return inputError(code, `${file}: ${problem}`, { cause, details: { file, problem } });
}

/** An exit-2 error for a corrupt or truncated dataset file. */
export function corruptFile(file: string, problem: string, cause?: unknown): AdvbenchError {
  return fileError(DATASET_CORRUPT, file, problem, cause);
}
