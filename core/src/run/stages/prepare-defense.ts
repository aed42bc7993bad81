import { trainingBudget, type TrainingBudget } from '../../analysis/training-budget.js';
import type { DefenseInstance, TrainingCost } from '../../plugin-api/index.js';
import type { DefenseEvaluation, SurfaceSummary } from '../../store/result-types.js';
import { ADAPTIVE_SURFACE } from '../cell-plan.js';
import { surfacesOf } from './create-defenses.js';
import { recreateDefense } from './release-defense.js';
import { defenseEntry, messageOf, type DefenseEntry, type RunScope } from './run-scope.js';

/** What preparing a defense gave. */
export type PrepareOutcome =
  | {
      status: 'ready';
      cost: TrainingCost;
      description: Record<string, unknown>;
      surfaces: string[];
      randomized: boolean;
      surfaceDetails: SurfaceSummary[];
      evaluation: DefenseEvaluation;
      budget?: TrainingBudget;
    }
  | { status: 'failed'; error: unknown; message: string }
  | { status: 'interrupted' };

/**
 * Prepares the named defense entry (trains it, or loads it from the model cache) and returns its cost,
 * description, offered surfaces (with what each declares), whether its decision rule is randomized and how it is
 * evaluated ({@link evaluationOf}). A prepared entry is not prepared twice in one scope; a released one
 * (`releaseDefense`) is created and prepared again (from the model cache). A throw becomes
 * `failed` (the entry is marked failed, its cells fail), or `interrupted` when the run's signal was aborted.
 * Emits `train-start` and `train-end` on the scope's bus; writes nothing.
 */
export async function prepareDefense(scope: RunScope, name: string): Promise<PrepareOutcome> {
  const entry = defenseEntry(scope, name);
  if (entry.failure) return { status: 'failed', error: new Error(entry.failure), message: entry.failure };
  // A defense released by releaseDefense is created again; its prepare loads its models back from the cache.
  if (entry.released) await recreateDefense(scope, name);
  if (entry.failure) return { status: 'failed', error: new Error(entry.failure), message: entry.failure };
  const instance = entry.instance;
  if (!instance) throw new Error(`${name}: prepareDefense before createDefenses`);
  const fresh = !entry.prepared;
  if (fresh) scope.events.emit({ type: 'train-start', defense: name });
  try {
    if (fresh) await instance.prepare();
    entry.prepared = true;
    const cost = instance.cost();
    const offered = instance.surfaces();
    const surfaceDetails = offered.map(({ name: surface, description, output, randomized, exact }) => ({ name: surface, description, output, randomized, exact: exact === true }));
    const surfaces = offered.map((surface) => surface.name);
    const budget = await budgetOf(scope, name, cost);
    const outcome = {
      status: 'ready' as const,
      cost,
      description: instance.describe(),
      surfaces,
      randomized: instance.classifier.randomized,
      surfaceDetails,
      evaluation: evaluationOf(scope, entry, instance, surfaces),
      budget,
    };
    if (fresh) scope.events.emit({ type: 'train-end', defense: name, cost, evaluation: outcome.evaluation, budget });
    return outcome;
  } catch (error) {
    if (scope.signal.aborted) return { status: 'interrupted' };
    entry.failure = `${name}: prepare failed: ${messageOf(error)}`;
    return { status: 'failed', error, message: entry.failure };
  }
}

/**
 * How a prepared defense is evaluated: judged over `spec.judgeDraws` paired draws when its decision rule is
 * randomized (once otherwise), attacked on its planned surfaces, and, when randomized, offering `full`, with
 * positive epsilons and at least one adaptive attack entry, also adaptively (EOT) on `full`.
 */
export function evaluationOf(scope: RunScope, entry: DefenseEntry, instance: DefenseInstance, offered: string[]): DefenseEvaluation {
  const randomized = instance.classifier.randomized === true;
  const planned = surfacesOf(scope, entry);
  const adaptiveAttacks = [...scope.attacks.values()].filter((attack) => attack.adaptiveOf !== undefined).map((attack) => attack.name);
  const adaptive = randomized && offered.includes(ADAPTIVE_SURFACE) && adaptiveAttacks.length > 0 && scope.spec.epsilons.some((epsilon) => epsilon > 0);
  return {
    randomized,
    judgeDraws: randomized ? scope.spec.judgeDraws : 1,
    surfaces: adaptive && !planned.includes(ADAPTIVE_SURFACE) ? [...planned, ADAPTIVE_SURFACE] : planned,
    ...(adaptive ? { adaptive: { surface: ADAPTIVE_SURFACE, attacks: adaptiveAttacks, eotSamples: scope.spec.eotSamples } } : {}),
  };
}

/** The entry's training budget: its own cost plus the base model's when its context asked for it. */
async function budgetOf(scope: RunScope, name: string, cost: TrainingCost): Promise<TrainingBudget> {
  const ownEpochs = epochsOption(defenseEntry(scope, name).options);
  const base = scope.baseUsers?.has(name) && scope.basePromise ? await scope.basePromise.catch(() => undefined) : undefined;
  return trainingBudget(cost, ownEpochs, base === undefined ? undefined : { key: base.key, cost: base.cost, epochs: scope.baseEpochs });
}

/** The `epochs` option of parsed plugin options, when they have a numeric one. */
export function epochsOption(options: unknown): number | undefined {
  const epochs = typeof options === 'object' && options !== null ? (options as Record<string, unknown>).epochs : undefined;
  return typeof epochs === 'number' ? epochs : undefined;
}
