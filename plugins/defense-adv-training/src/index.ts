/**
 * advbench defense plugin `adv-training`: PGD adversarial training (Madry et al.) and fast FGSM adversarial
 * training (Wong et al.), with examples made by the `pgd` attack plugin.
 * @packageDocumentation
 */
import { defineDefense } from '@advbench/core/plugin-api';
import { createAdvTrainingDefense } from './adv-training-defense.js';
import { ADV_TRAINING_PRESETS, parseAdvTrainingOptions, type AdvTrainingOptions } from './adv-training-options.js';

export type { AdvTrainingOptions } from './adv-training-options.js';
export { ADV_TRAINING_PRESETS, attackOptionsFor, parseAdvTrainingOptions } from './adv-training-options.js';
export { createAdvTrainingDefense } from './adv-training-defense.js';
export { learningRateSchedule, type ScheduleName } from '@advbench/core/plugin-api';

/** The `adv-training` defense plugin. */
const advTrainingDefense = defineDefense<AdvTrainingOptions>({
  id: 'adv-training',
  version: '0.1.0',
  description: 'Adversarial training: fast FGSM with random start (Wong et al.) or PGD-k (Madry et al.), examples from the pgd plugin',
  presets: ADV_TRAINING_PRESETS,
  parseOptions: (raw) => parseAdvTrainingOptions(raw),
  create: (context, options) => createAdvTrainingDefense(context, options),
});

export default advTrainingDefense;
