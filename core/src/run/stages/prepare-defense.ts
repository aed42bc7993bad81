import { trainingBudget, type TrainingBudget } from '../../analysis/training-budget.js';
import type { TrainingCost } from '../../plugin-api/index.js';
import type { SurfaceSummary } from '../../store/result-types.js';
import { recreateDefense } from './release-defense.js';
import { defenseEntry, messageOf, type RunScope } from './run-scope.js';

/** What preparing a defense gave. */
export type PrepareOutcome =
  | { status: 'ready'; cost: TrainingCost; description: Record<string, unknown>; surfaces: string[]; randomized: boolean; surfaceDetails: SurfaceSummary[]; budget?: TrainingBudget }
  | { status: 'failed'; error: unknown; message: string }
  | { status: 'interrupted' };

/**
 * Prepares the named defense entry (trains it, or loads it from the model cache) and returns its cost,
 * description, offered surfaces (with what each declares) and whether its decision rule is randomized. A prepared
 * entry is not prepared twice in one scope; a released one (`releaseDefense`) is created and prepared again (from the
 * model cache). A throw becomes
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
    const budget = await budgetOf(scope, name, cost);
    const outcome = { status: 'ready' as const, cost, description: instance.describe(), surfaces: offered.map((surface) => surface.name), randomized: instance.classifier.randomized, surfaceDetails, budget };
    if (fresh) scope.events.emit({ type: 'train-end', defense: name, cost, budget });
    return outcome;
  } catch (error) {
    if (scope.signal.aborted) return { status: 'interrupted' };
    entry.failure = `${name}: prepare failed: ${messageOf(error)}`;
    return { status: 'failed', error, message: entry.failure };
  }
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
