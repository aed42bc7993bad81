/**
 * advbench attack plugin `pgd`: Linf projected gradient descent with random start, restarts (per-example best
 * kept) and EOT over randomized surfaces.
 * @packageDocumentation
 */
import { defineAttack } from '@advbench/core/plugin-api';
import { createPgdAttack } from './pgd-attack.js';
import { PGD_PRESETS, parsePgdOptions, type PgdOptions } from './pgd-options.js';

export type { PgdOptions } from './pgd-options.js';
export { PGD_PRESETS, parsePgdOptions, resolveStepSize } from './pgd-options.js';
export { ATTACK_ABORTED, createPgdAttack } from './pgd-attack.js';
export { perExampleLoss } from './per-example-loss.js';

/** The `pgd` attack plugin. */
const pgdAttack = defineAttack<PgdOptions>({
  id: 'pgd',
  version: '0.1.0',
  description: 'Linf PGD (Madry et al.): sign-gradient steps, random start, restarts keeping the most damaging iterate, EOT on randomized surfaces',
  presets: PGD_PRESETS,
  parseOptions: (raw) => parsePgdOptions(raw),
  create: (context, options) => createPgdAttack(context.tf, options),
});

export default pgdAttack;
