import type { EvaluationCheck } from '../analysis-types.js';
import { verdict } from './check-support.js';

const remedy = 'Declare `randomized: true` on the classifier (and on randomized surfaces) so the harness judges over paired draws and attacks use EOT.';

/** `randomized-undeclared`: the classifier's output changes between calls on the same inputs, but it says it is deterministic. */
export const randomizedUndeclaredCheck: EvaluationCheck = {
  id: 'randomized-undeclared',
  title: 'Randomness not declared',
  rule: 'predict on the same inputs 5 times (different random streams): flag when any output row differs by more than 1e-4, or a surface declared deterministic gives two different outputs, while the defense does not declare `randomized`.',
  meaning: 'An undeclared randomized defense is judged on one draw and attacked without EOT: its accuracy is noise, and gradients of one draw do not attack the expected decision.',
  remedy,
  needs: 'a probe on the prepared defense: 5 predictions of the probe subset, 2 forward passes of each attacked surface',
  evaluate(input) {
    const probe = input.probes?.randomness;
    if (!probe) return verdict('randomized-undeclared', 'not-run', input.probes?.error ? `the probe could not run: ${input.probes.error}` : 'the randomness probe has not run (the defense was not prepared in this process)');
    const surfaces = probe.undeclaredSurfaces.length > 0 ? `; surface(s) ${probe.undeclaredSurfaces.join(', ')} declare randomized: false but their outputs differ between calls` : '';
    if (!probe.declared && (probe.differing > 0 || probe.undeclaredSurfaces.length > 0)) {
      return verdict('randomized-undeclared', 'flag', `${probe.differing} of ${input.probes!.examples} examples got different outputs over ${probe.draws} predictions (${probe.classChanges} changed class), but the classifier declares randomized: false${surfaces}. ${remedy}`);
    }
    if (probe.declared) return verdict('randomized-undeclared', probe.undeclaredSurfaces.length > 0 ? 'flag' : 'pass', `the classifier declares randomized: true (${probe.differing} of ${input.probes!.examples} outputs varied over ${probe.draws} draws)${surfaces}${surfaces ? `. ${remedy}` : ''}`);
    return verdict('randomized-undeclared', 'pass', `${probe.draws} predictions of ${input.probes!.examples} examples were identical; the classifier is deterministic as declared`);
  },
};
