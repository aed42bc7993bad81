import type { EvaluationCheck } from '../analysis-types.js';
import { attackKindOf } from '../attack-kind.js';
import { compareFamilies } from './check-support.js';

const remedy = 'The defense\'s own gradients are likely masked: trust the transfer number (it is in best-known), and attack with a margin loss, EOT or BPDA.';

/** `transfer-beats-white-box`: examples crafted on another model fool the defense better than attacks on its own gradients. */
export const transferBeatsWhiteBoxCheck: EvaluationCheck = {
  id: 'transfer-beats-white-box',
  title: 'Transfer beats white-box',
  rule: 'at any ε, the lowest transfer accuracy is below the lowest white-box accuracy beyond the interval (disjoint 95% Wilson intervals).',
  meaning: 'A transfer attack never sees the defense; when it wins, the white-box attacks were stopped by the defense\'s gradients, not by robustness.',
  remedy,
  evaluate: (input) =>
    compareFamilies(input, 'transfer-beats-white-box', {
      lower: (cell) => attackKindOf(cell).threatModel === 'transfer',
      upper: (cell) => attackKindOf(cell).threatModel === 'white-box',
      lowerName: 'transfer',
      upperName: 'white-box',
      missing: 'needs a transfer attack and a white-box attack at a common ε',
      remedy,
    }),
};
