import { RESULTS_SCHEMA_VERSION, type CellResult, type DefenseResult, type RunResults } from '../../store/result-types.js';
import { ADVBENCH_VERSION } from '../advbench-version.js';
import { planCells } from '../cell-plan.js';
import { attackPluginKind } from '../../analysis/attack-kind.js';
import { stampChange } from '../plugin-stamp.js';
import { cleanAccuracyOf } from './clean-accuracy.js';
import { surfacesOf } from './create-defenses.js';
import { planCheckCells } from './plan-check-cells.js';
import { ADAPTIVE_SUFFIX, type AttackEntry, type DefenseEntry, type RunScope } from './run-scope.js';

/** Identity of the run being executed (decided before the scope exists). */
export interface RunIdentity {
  /** Run id (kept across resumes). */
  runId: string;
  /** Hash of the run spec. */
  configHash: string;
  /** ISO time the run was first started. */
  createdAt: string;
  /** True when the out folder already held this run. */
  resumed: boolean;
}

/** What an earlier process left in the out folder (empty for a fresh run). */
export interface StoredRun {
  /** Cells it finished, by id. */
  finishedCells: Map<string, CellResult>;
  /** Its results (defenses, model facts), when there were any. */
  results?: RunResults;
  /** Told of each finished cell that is planned again because a plugin it was computed with changed, and why. */
  onStale?(cellId: string, reason: string): void;
}

/**
 * The planned cells of one defense entry (all pending): its clean cell, every attack on each of its surfaces, and,
 * when `adaptive` (its decision rule is randomized and it offers `full`), every adaptive attack on `full`.
 */
export function planDefenseCells(scope: RunScope, entry: DefenseEntry, adaptive: boolean): CellResult[] {
  const cells = planCells({
    seed: scope.spec.seed,
    epsilons: scope.spec.epsilons,
    defenses: [{ name: entry.name, surfaces: surfacesOf(scope, entry), adaptive }],
    attacks: [...scope.attacks.values()].map((attack) => ({
      name: attack.name,
      plugin: attack.loaded.plugin.id,
      adaptive: attack.adaptiveOf !== undefined,
      surfaceIndependent: isSurfaceIndependent(attack),
      adaptiveOnly: attack.adaptiveOf === undefined && scope.spec.attacks.find((spec) => spec.name === attack.name)?.adaptiveOnly === true && scope.attacks.has(`${attack.name}${ADAPTIVE_SUFFIX}`),
    })),
  });
  return cells.map((cell) => {
    const attack = scope.attacks.get(cell.attack);
    return { ...cell, plugins: { defense: entry.stamp, ...(attack ? { attack: attack.stamp } : {}) } };
  });
}

/**
 * True for an attack that never reads the surface it is given: a transfer attack or a score-based black-box one
 * (by its plugin id or a `threatModel` option, as the checks classify attacks: {@link attackPluginKind}).
 */
export function isSurfaceIndependent(attack: AttackEntry): boolean {
  const options = typeof attack.options === 'object' && attack.options !== null ? (attack.options as Record<string, unknown>) : {};
  const { threatModel } = attackPluginKind(attack.loaded.plugin.id, options);
  return threatModel === 'transfer' || threatModel === 'black-box';
}

/**
 * Why a cell an earlier process finished must be computed again: a plugin it was computed with changed version,
 * code or options since (compared with the planned cell's stamps). Undefined when it still holds.
 */
export function staleReason(finished: CellResult, planned: CellResult): string | undefined {
  const now = planned.plugins;
  if (!now) return undefined;
  return stampChange('defense', finished.plugins?.defense, now.defense) ?? (now.attack ? stampChange('attack', finished.plugins?.attack, now.attack) : undefined);
}

/**
 * Plans the run: every cell of every defense entry (after {@link createDefenses}, so default surfaces are known) as
 * pending, except the cells an earlier process finished (taken as they are), and every defense's entry, keeping
 * what an earlier process learnt when it prepared a defense (cost, description, how it is evaluated, clean
 * accuracy). A defense is planned adaptive when an earlier process found it randomized; otherwise its adaptive
 * cells are added once it is prepared ({@link prepareDefense} says so). A finished cell whose plugins changed
 * (version, code hash or options: {@link staleReason}) is planned again, and `stored.onStale` told why. Writes nothing.
 * The evaluation checks' extra cells of each defense follow its sweep cells, including those an earlier process
 * added after preparing the defense (doubled EOT).
 */
export function planRun(scope: RunScope, identity: RunIdentity, stored: StoredRun): RunResults {
  const { spec } = scope;
  const previous = new Map((stored.results?.defenses ?? []).map((defense) => [defense.name, defense]));
  const planned = withCheckCells(scope, scope.defenses.flatMap((entry) => planDefenseCells(scope, entry, previous.get(entry.name)?.evaluation?.adaptive !== undefined)), stored);
  const cells = planned.map((cell) => {
    const finished = stored.finishedCells.get(cell.id);
    if (!finished) return cell;
    const reason = staleReason(finished, cell);
    if (reason === undefined) return finished;
    stored.onStale?.(cell.id, reason);
    return cell;
  });
  const plugins: Record<string, string> = {};
  for (const entry of [...scope.defenses, ...scope.attacks.values()]) plugins[entry.loaded.plugin.id] = entry.loaded.plugin.version;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: identity.runId,
    createdAt: identity.createdAt,
    updatedAt: new Date().toISOString(),
    status: 'running',
    seed: spec.seed,
    backend: scope.backend.info,
    versions: { advbench: ADVBENCH_VERSION, tfjs: scope.tf.version_core, node: process.version, plugins },
    configHash: identity.configHash,
    config: JSON.parse(JSON.stringify(spec)) as Record<string, unknown>,
    dataset: scope.dataset.info,
    model: {
      name: spec.model.name,
      ...(stored.results?.model.params !== undefined ? { params: stored.results.model.params } : {}),
      ...(spec.model.weights ? { pretrained: spec.model.weights } : {}),
    },
    defenses: scope.defenses.map((entry) => {
      const before = previous.get(entry.name);
      const base: DefenseResult = {
        name: entry.name,
        plugin: entry.loaded.plugin.id,
        pluginVersion: entry.loaded.plugin.version,
        options: (entry.options ?? {}) as Record<string, unknown>,
        description: {},
        surfaces: surfacesOf(scope, entry),
        status: entry.failure ? 'failed' : 'pending',
        ...(entry.failure ? { error: entry.failure } : {}),
      };
      const cleanAccuracy = cleanAccuracyOf(cells, entry.name);
      const withClean = cleanAccuracy ? { ...base, cleanAccuracy } : base;
      if (before?.status !== 'done') return withClean;
      const learnt = { description: before.description, cost: before.cost, surfaces: before.surfaces, randomized: before.randomized, surfaceDetails: before.surfaceDetails, evaluation: before.evaluation, ...(before.probes ? { probes: before.probes } : {}), ...(before.budget ? { budget: before.budget } : {}) };
      return { ...withClean, status: 'done', ...learnt };
    }),
    cells,
  };
}

/** The sweep cells with each defense's checks' extra cells after its own, plus extra cells stored by an earlier process. */
function withCheckCells(scope: RunScope, planned: CellResult[], stored: StoredRun): CellResult[] {
  const cells: CellResult[] = [];
  const ids = new Set<string>();
  for (const entry of scope.defenses) {
    const sweep = planned.filter((cell) => cell.defense === entry.name);
    const stamped = planCheckCells(scope, entry, sweep).map((cell) => ({ ...cell, plugins: { defense: entry.stamp, ...(scope.attacks.get(cell.attack) ? { attack: scope.attacks.get(cell.attack)!.stamp } : {}) } }));
    const own = [...sweep, ...stamped];
    for (const cell of [...stored.finishedCells.values()]) if (cell.defense === entry.name && cell.extra !== undefined) own.push(cell);
    for (const cell of own) {
      if (ids.has(cell.id)) continue;
      ids.add(cell.id);
      cells.push(cell);
    }
  }
  return cells;
}
