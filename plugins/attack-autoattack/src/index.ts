/**
 * advbench attack plugin `autoattack`: an AutoAttack-style ensemble (Croce & Hein 2020). Version `standard`:
 * APGD-CE, APGD-T and Square; version `rand` (randomized defenses): APGD-CE and APGD-DLR with EOT. Per example the
 * first successful member's candidate is kept; per-member outcomes are reported to the harness.
 * @packageDocumentation
 */
import { defineAttack } from '@advbench/core/plugin-api';
import { createAutoAttack } from './autoattack-attack.js';
import { AUTOATTACK_PRESETS, parseAutoAttackOptions, type AutoAttackOptions } from './autoattack-options.js';

export type { AutoAttackOptions, MemberSpec } from './autoattack-options.js';
export { AUTOATTACK_PRESETS, membersOf, parseAutoAttackOptions } from './autoattack-options.js';
export { createAutoAttack } from './autoattack-attack.js';

/** The `autoattack` attack plugin. */
const autoAttack = defineAttack<AutoAttackOptions>({
  id: 'autoattack',
  version: '0.1.0',
  description: 'AutoAttack-style ensemble: standard (APGD-CE, APGD-T, Square) or rand (APGD-CE + APGD-DLR with EOT), worst case per example',
  presets: AUTOATTACK_PRESETS,
  parseOptions: (raw) => parseAutoAttackOptions(raw),
  create: (context, options) => createAutoAttack(context, options),
});

export default autoAttack;
