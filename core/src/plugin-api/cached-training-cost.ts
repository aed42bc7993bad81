import { inputError } from './errors.js';
import type { TrainingCost } from './defense-types.js';

/**
 * Reads the training cost a defense stored in its model-cache entry's metadata (`{ cost: TrainingCost }`), refusing
 * an entry without a valid one with a message naming `where` and saying to delete the entry. `cached` is false:
 * the caller sets it (true when this run loaded the entry instead of training).
 */
export function costFromMetadata(metadata: Record<string, unknown>, where: string): TrainingCost {
  const cost = metadata.cost as Partial<TrainingCost> | undefined;
  const fields = ['seconds', 'examples', 'forwardPasses', 'backwardPasses'] as const;
  if (!cost || fields.some((field) => typeof cost[field] !== 'number')) {
    throw inputError('ADVBENCH_ERR_CACHE_ENTRY', `${where}: the cached model has no valid training cost in its metadata; delete the cache entry to retrain`, { details: { metadata } });
  }
  return { seconds: cost.seconds!, examples: cost.examples!, forwardPasses: cost.forwardPasses!, backwardPasses: cost.backwardPasses!, cached: false };
}
