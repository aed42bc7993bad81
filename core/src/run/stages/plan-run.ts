import { RESULTS_SCHEMA_VERSION, type CellResult, type DefenseResult, type RunResults } from '../../store/result-types.js';
import { ADVBENCH_VERSION } from '../advbench-version.js';
import { planCells } from '../cell-plan.js';
import { surfacesOf } from './create-defenses.js';
import { planCheckCells } from './plan-check-cells.js';
import type { RunScope } from './run-scope.js';

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
}

/**
 * Plans the run: every cell of every defense entry (after {@link createDefenses}, so default surfaces are known) as
 * pending, except the cells an earlier process finished (taken as they are), and every defense's entry, keeping a
 * defense an earlier process prepared (with its probes and check verdicts). The evaluation checks' extra cells of
 * each defense follow its sweep cells, including those an earlier process added after preparing the defense
 * (doubled EOT). Pure: writes nothing.
 */
export function planRun(scope: RunScope, identity: RunIdentity, stored: StoredRun): RunResults {
  const { spec } = scope;
  const planned = planCells({
    seed: spec.seed,
    epsilons: spec.epsilons,
    defenses: scope.defenses.map((entry) => ({ name: entry.name, surfaces: surfacesOf(scope, entry) })),
    attacks: [...scope.attacks.values()].map((attack) => ({ name: attack.name, plugin: attack.loaded.plugin.id })),
  });
  const previous = new Map((stored.results?.defenses ?? []).map((defense) => [defense.name, defense]));
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
    model: { name: spec.model.name, ...(spec.model.weights ? { pretrained: spec.model.weights } : {}) },
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
      return before?.status === 'done'
        ? { ...base, status: 'done', description: before.description, cost: before.cost, surfaces: before.surfaces, randomized: before.randomized, surfaceDetails: before.surfaceDetails, ...(before.probes ? { probes: before.probes } : {}) }
        : base;
    }),
    cells: withCheckCells(scope, planned, stored).map((cell) => stored.finishedCells.get(cell.id) ?? cell),
  };
}

/** The sweep cells with each defense's checks' extra cells after its own, plus extra cells stored by an earlier process. */
function withCheckCells(scope: RunScope, planned: CellResult[], stored: StoredRun): CellResult[] {
  const cells: CellResult[] = [];
  const ids = new Set<string>();
  for (const entry of scope.defenses) {
    const sweep = planned.filter((cell) => cell.defense === entry.name);
    const own = [...sweep, ...planCheckCells(scope, entry, sweep)];
    for (const cell of [...stored.finishedCells.values()]) if (cell.defense === entry.name && cell.extra !== undefined) own.push(cell);
    for (const cell of own) {
      if (ids.has(cell.id)) continue;
      ids.add(cell.id);
      cells.push(cell);
    }
  }
  return cells;
}
