import { inputError } from '../../plugin-api/index.js';
import type { ModelBuildOptions } from './zoo-types.js';

/** Refuses build options a zoo builder cannot use (exit 2, naming the model and the option). */
export function validateBuildOptions(model: string, options: ModelBuildOptions): void {
  const shape = options.inputShape as unknown;
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((side) => !Number.isInteger(side) || side <= 0)) {
    throw inputError('ADVBENCH_ERR_MODEL_INPUT', `${model}: the input shape must be three positive integers [height, width, channels], got ${JSON.stringify(shape)}`, {
      details: { model, inputShape: shape },
    });
  }
  if (!Number.isInteger(options.classes) || options.classes < 1) {
    throw inputError('ADVBENCH_ERR_MODEL_CLASSES', `${model}: classes must be a positive integer, got ${String(options.classes)}`, {
      details: { model, classes: options.classes },
    });
  }
  if (!Number.isInteger(options.seed)) {
    throw inputError('ADVBENCH_ERR_MODEL_SEED', `${model}: the seed must be an integer, got ${String(options.seed)}`, { details: { model, seed: options.seed } });
  }
}
