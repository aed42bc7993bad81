import { AdvbenchError } from '../../plugin-api/index.js';
import { describeMemoryUsage, formatBytes, type MemoryUsage } from './memory-usage.js';

/** Error code of a run stopped because the backend ran out of memory. */
export const OUT_OF_MEMORY = 'ADVBENCH_ERR_OUT_OF_MEMORY';

/**
 * True when `error` (or its cause) is a backend running out of memory: the wasm engine's bare abort
 * (`RuntimeError: Aborted()`, what an allocation past the heap limit ends in), a failed `WebAssembly.Memory` growth or
 * array-buffer allocation, or TensorFlow's `OOM when allocating tensor` (tfjs-node, tfjs-node-gpu).
 */
export function isOutOfMemory(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const message = current.message;
    if (/^Aborted\(/.test(message) || /\bAborted\(\)/.test(message)) return true;
    if (/Maximum memory size exceeded|Array buffer allocation failed|Out of memory|OOM when allocating/i.test(message)) return true;
  }
  return false;
}

/** Where a run ran out of memory, and what was resident. */
export interface OutOfMemoryContext {
  /** The defense entry being prepared or evaluated. */
  defense: string;
  /** What it was doing: `prepare` (training or loading) or the cell id. */
  stage: string;
  /** The backend (`wasm`, `tensorflow-gpu`...). */
  backend: string;
  /** Memory in use when the stage began. */
  before: MemoryUsage;
  /** Memory in use when it failed (read after the failure). */
  after: MemoryUsage;
  /** Defenses whose models were resident (released ones excluded). */
  resident: string[];
}

/**
 * The error a run stops with when the backend ran out of memory: names the defense and the stage, says what was
 * resident and the backend's limit, and what to try. Exit code 1 (not bad input: the same run fits elsewhere).
 */
export function outOfMemoryError(context: OutOfMemoryContext, cause: unknown): AdvbenchError {
  const { defense, stage, backend, before, after } = context;
  const limit = after.heapLimitBytes ?? before.heapLimitBytes;
  const where = stage === 'prepare' ? 'while preparing it (training, or loading its checkpoints)' : `in cell ${stage}`;
  const message =
    `${defense}: the ${backend} backend ran out of memory ${where}. ` +
    `Resident when it began: ${describeMemoryUsage(before)}; models resident: ${context.resident.length > 0 ? context.resident.join(', ') : 'none'} ` +
    `(the models of finished defenses are released). At the failure: ${describeMemoryUsage(after)}` +
    `${limit === undefined ? '' : `; the backend's limit is ${formatBytes(limit)}`}. ` +
    `Try a GPU backend (--backend tensorflow-gpu), a smaller batch (the defense's batchSize option, evalBatchSize), ` +
    `fewer resident checkpoints (INN: fewer epochs, or votingCheckpoints), or a smaller input (dataset.crop). ` +
    `Finished cells are kept: fix the config and run again to resume.`;
  return new AdvbenchError(OUT_OF_MEMORY, message, {
    cause,
    details: { defense, stage, backend, before, after, resident: context.resident, limitBytes: limit },
  });
}
