/**
 * advbench attack plugin `square`: the Square Attack, Linf (Andriushchenko et al. 2020), a score-based black-box
 * random search that queries only the defense's decision rule.
 * @packageDocumentation
 */
import { defineAttack } from '@advbench/core/plugin-api';
import { createSquareAttack } from './square-attack.js';
import { SQUARE_PRESETS, parseSquareOptions, type SquareOptions } from './square-options.js';

export type { SquareOptions } from './square-options.js';
export { SQUARE_PRESETS, parseSquareOptions } from './square-options.js';
export { ATTACK_ABORTED, createSquareAttack } from './square-attack.js';
export { squareFraction, squareSide } from './square-schedule.js';

/** The `square` attack plugin. */
const squareAttack = defineAttack<SquareOptions>({
  id: 'square',
  version: '0.1.0',
  description: 'Square Attack Linf (Andriushchenko et al. 2020): score-based black-box random search on the decision rule, margin loss',
  presets: SQUARE_PRESETS,
  parseOptions: (raw) => parseSquareOptions(raw),
  create: (context, options) => createSquareAttack(context.tf, options),
});

export default squareAttack;
