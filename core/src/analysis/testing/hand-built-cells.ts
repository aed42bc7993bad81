import type { CellResult, DefenseResult } from '../../store/result-types.js';
import type { CheckInput, DefenseProbes } from '../analysis-types.js';
import { estimateOutcomes } from '../outcome-statistics.js';

/** Per-example outcomes: `correct` ones followed by zeros, `samples` in all. */
export function outcomes(correct: number, samples: number): number[] {
  return Array.from({ length: samples }, (_, index) => (index < correct ? 1 : 0));
}

/** A finished cell with the given outcomes (test-example order, or aligned with `examples`). */
export function doneCell(fields: { defense?: string; attack: string; plugin?: string; surface?: string; epsilon: number; outcomes: number[]; settings?: Record<string, unknown>; examples?: number[]; extra?: CellResult['extra'] }): CellResult {
  const defense = fields.defense ?? 'd';
  const surface = fields.surface ?? 'full';
  const suffix = fields.extra ? `|check:${fields.extra.check}` : '';
  return {
    id: `${defense}|${fields.attack}|${surface}|${fields.epsilon}${suffix}`,
    defense,
    attack: fields.attack,
    attackPlugin: fields.plugin ?? (fields.attack === 'clean' ? 'none' : fields.attack),
    surface,
    epsilon: fields.epsilon,
    status: 'done',
    seconds: 1,
    attackSettings: fields.settings ?? {},
    seed: 1,
    projectionCorrections: 0,
    outcomes: fields.outcomes,
    result: estimateOutcomes(fields.outcomes),
    ...(fields.examples ? { examples: fields.examples } : {}),
    ...(fields.extra ? { extra: fields.extra } : {}),
  };
}

/** A defense entry named `d`. */
export function defenseEntry(fields: Partial<DefenseResult> = {}): DefenseResult {
  return { name: 'd', plugin: 'planted', pluginVersion: '1.0.0', options: {}, description: {}, surfaces: ['full'], status: 'done', ...fields };
}

/** A check input over `cells` (10 classes, headline 8/255). */
export function checkInput(cells: CellResult[], probes?: DefenseProbes, classes = 10): CheckInput {
  return { defense: defenseEntry(), cells, probes, classes, headlineEpsilon: 8 / 255 };
}
