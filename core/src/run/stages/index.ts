/**
 * The stages of a run, shared by the local sweep runner and a queue worker: open a scope from the spec, create the
 * defenses, plan, prepare a defense, compute a cell or a shard of it, merge shards, release a finished defense, export.
 */
export { computeCell, type CellShard, type ComputeCellOptions, type ExampleRange } from './compute-cell.js';
export { createDefenses, surfacesOf, type DefenseCreateFailure } from './create-defenses.js';
export { exportResults } from './export-results.js';
export { mergeCellShards } from './merge-cell-shards.js';
export { planRun, type RunIdentity, type StoredRun } from './plan-run.js';
export { prepareDefense, type PrepareOutcome } from './prepare-defense.js';
export { recreateDefense, releaseDefense } from './release-defense.js';
export { defenseEntry, openRunScope, releaseRunScope, type AttackEntry, type DefenseEntry, type OpenRunScopeInput, type RunScope } from './run-scope.js';
export { attackInstance, scopeBaseModel, scopePluginContext } from './scope-plugin-context.js';
