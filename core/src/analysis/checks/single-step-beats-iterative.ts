import type { EvaluationCheck } from '../analysis-types.js';
import { attackKindOf } from '../attack-kind.js';
import { compareFamilies } from './check-support.js';

const remedy = 'The iterative attack is stuck (masked or noisy gradients, too small steps): use more steps or restarts, a random start, APGD, or check the surface.';

/** `single-step-beats-iterative`: FGSM does better than PGD/APGD, which take many steps of the same gradient. */
export const singleStepBeatsIterativeCheck: EvaluationCheck = {
  id: 'single-step-beats-iterative',
  title: 'Single step beats iterative',
  rule: 'at any ε, the lowest single-step white-box accuracy (FGSM: one step, no restart) is below the lowest iterative white-box accuracy beyond the interval (disjoint 95% Wilson intervals).',
  meaning: 'An iterative attack includes the single step as its first move; losing to it means the iterations lead astray (gradient masking or a broken attack).',
  remedy,
  evaluate: (input) =>
    compareFamilies(input, 'single-step-beats-iterative', {
      lower: (cell) => attackKindOf(cell).threatModel === 'white-box' && attackKindOf(cell).singleStep,
      upper: (cell) => attackKindOf(cell).threatModel === 'white-box' && !attackKindOf(cell).singleStep,
      lowerName: 'single-step',
      upperName: 'iterative',
      missing: 'needs a single-step attack (FGSM, pgd with steps 1) and an iterative white-box attack at a common ε',
      remedy,
    }),
};
