/**
 * advbench attack plugin `apgd`: Auto-PGD, Linf (Croce & Hein 2020) with the CE, DLR and targeted DLR losses,
 * the step-size schedule with checkpoints, momentum, restarts and EOT over randomized surfaces.
 * @packageDocumentation
 */
import { defineAttack } from '@advbench/core/plugin-api';
import { createApgdAttack } from './apgd-attack.js';
import { APGD_PRESETS, parseApgdOptions, type ApgdOptions } from './apgd-options.js';

export type { ApgdOptions } from './apgd-options.js';
export type { ApgdLoss } from './apgd-losses.js';
export { APGD_PRESETS, parseApgdOptions } from './apgd-options.js';
export { ATTACK_ABORTED, createApgdAttack } from './apgd-attack.js';
export { apgdCheckpoints } from './apgd-checkpoints.js';
export { apgdLoss } from './apgd-losses.js';

/** The `apgd` attack plugin. */
const apgdAttack = defineAttack<ApgdOptions>({
  id: 'apgd',
  version: '0.1.0',
  description: 'Auto-PGD Linf (Croce & Hein 2020): step size halved at checkpoints when progress stalls, momentum, CE / DLR / targeted DLR, restarts, EOT',
  presets: APGD_PRESETS,
  parseOptions: (raw) => parseApgdOptions(raw),
  create: (context, options) => createApgdAttack(context.tf, options),
});

export default apgdAttack;
