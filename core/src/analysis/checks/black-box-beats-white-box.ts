import type { EvaluationCheck } from '../analysis-types.js';
import { attackKindOf } from '../attack-kind.js';
import { compareFamilies } from './check-support.js';

const remedy = 'White-box gradients are likely masked: trust the black-box number (it is in best-known), and attack with a margin loss, EOT or BPDA.';

/** `black-box-beats-white-box`: a score-based black-box attack (Square) does better than every white-box attack. */
export const blackBoxBeatsWhiteBoxCheck: EvaluationCheck = {
  id: 'black-box-beats-white-box',
  title: 'Black-box beats white-box',
  rule: 'at any ε, the lowest black-box (Square) accuracy is below the lowest white-box accuracy beyond the interval (disjoint 95% Wilson intervals).',
  meaning: 'A black-box attack knows less than a white-box one; when it wins, the gradients the white-box attacks follow are uninformative (gradient masking).',
  remedy,
  evaluate: (input) =>
    compareFamilies(input, 'black-box-beats-white-box', {
      lower: (cell) => attackKindOf(cell).threatModel === 'black-box',
      upper: (cell) => attackKindOf(cell).threatModel === 'white-box',
      lowerName: 'black-box',
      upperName: 'white-box',
      missing: 'needs a black-box attack (square) and a white-box attack at a common ε',
      remedy,
    }),
};
