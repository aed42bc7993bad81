/**
 * advbench defense plugin `none`: no defense. Standard training of the configured model (cached by content), or a
 * pretrained checkpoint used as is. Its model is the run's base, which other defenses fine-tune from.
 * @packageDocumentation
 */
import { defineDefense } from '@advbench/core/plugin-api';
import { createNoneDefense } from './none-defense.js';
import { parseNoneOptions, type NoneOptions } from './none-options.js';

export type { NoneOptions } from './none-options.js';
export { parseNoneOptions } from './none-options.js';
export { trainBaseModel } from './train-base-model.js';
export { costFromMetadata } from '@advbench/core/plugin-api';
export { createNoneDefense } from './none-defense.js';

/** The `none` defense plugin. */
const noneDefense = defineDefense<NoneOptions>({
  id: 'none',
  version: '0.1.0',
  description: 'No defense: standard SGD training of the configured model (cached), or the pretrained checkpoint as is',
  parseOptions: (raw) => parseNoneOptions(raw),
  create: (context, options) => createNoneDefense(context, options),
});

export default noneDefense;
