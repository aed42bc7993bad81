import type { EvaluationCheck } from '../analysis-types.js';
import { attackKindOf } from '../attack-kind.js';
import { compareFamilies } from './check-support.js';

const remedy = 'Cross-entropy is saturated or masked (for example scaled logits): rank by the margin-loss number (it is in best-known) and attack with APGD-DLR or a CW loss.';

/** `margin-beats-ce`: a margin loss (APGD-DLR, CW) does better than cross-entropy. */
export const marginBeatsCeCheck: EvaluationCheck = {
  id: 'margin-beats-ce',
  title: 'Margin loss beats cross-entropy',
  rule: 'at any ε, the lowest margin-loss white-box accuracy (dlr, dlr-targeted, cw) is below the lowest cross-entropy white-box accuracy beyond the interval (disjoint 95% Wilson intervals).',
  meaning: 'A margin loss is scale-invariant; when it wins clearly, the cross-entropy gradient vanished (softmax saturation) rather than the model being robust.',
  remedy,
  evaluate: (input) =>
    compareFamilies(input, 'margin-beats-ce', {
      lower: (cell) => attackKindOf(cell).threatModel === 'white-box' && attackKindOf(cell).loss === 'margin',
      upper: (cell) => attackKindOf(cell).threatModel === 'white-box' && attackKindOf(cell).loss === 'cross-entropy',
      lowerName: 'margin-loss',
      upperName: 'cross-entropy',
      missing: 'needs a margin-loss attack (apgd with loss dlr) and a cross-entropy attack at a common ε',
      remedy,
    }),
};
