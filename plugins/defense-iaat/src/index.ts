/**
 * advbench defense plugin `iaat`: instance-adaptive adversarial training (Balaji, Goldstein, Hoffman 2019), each
 * training example with a PGD radius of its own.
 * @packageDocumentation
 */
import { defineDefense } from '@advbench/core/plugin-api';
import { createIaatDefense } from './iaat-defense.js';
import { parseIaatOptions, type IaatOptions } from './iaat-options.js';

export type { IaatOptions } from './iaat-options.js';
export type { RadiusSummary } from './iaat-defense.js';
export { parseIaatOptions } from './iaat-options.js';
export { createIaatDefense } from './iaat-defense.js';
export { perExamplePgd, type PerExamplePgdInput } from './per-example-pgd.js';
export { updateRadii, warmupRadii, type RadiusEvidence } from './radius-update.js';

/** The `iaat` defense plugin. */
const iaatDefense = defineDefense<IaatOptions>({
  id: 'iaat',
  version: '0.1.0',
  description: 'Instance-adaptive adversarial training (Balaji et al. 2019): a PGD radius per training example, raised where it is robust, lowered where not',
  parseOptions: (raw) => parseIaatOptions(raw),
  create: (context, options) => createIaatDefense(context, options),
});

export default iaatDefense;
