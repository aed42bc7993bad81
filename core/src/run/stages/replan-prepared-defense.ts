import type { Logger } from '../../plugin-api/index.js';
import type { CellResult } from '../../store/result-types.js';
import { CLEAN_SURFACE } from '../cell-plan.js';
import type { RunRecorder } from '../run-recorder.js';
import { surfacesOf } from './create-defenses.js';
import { planDefenseCells } from './plan-run.js';
import { planCheckCells } from './plan-check-cells.js';
import type { PrepareOutcome } from './prepare-defense.js';
import type { DefenseEntry, RunScope } from './run-scope.js';

/** What re-planning a prepared defense changed. */
export interface ReplannedDefense {
  /** Adaptive (EOT) cells that joined the plan. */
  added: CellResult[];
  /** Cells of adaptive-only attacks that left its other surfaces. */
  dropped: CellResult[];
  /** The evaluation checks' cells of the defense, now that its randomized surfaces are known (doubled EOT). */
  checkCells: CellResult[];
}

/**
 * What a defense's preparation teaches the plan, for the local runner and the queue's coordinator alike: a
 * randomized decision rule adds the adaptive (EOT) cells and moves adaptive-only attacks onto the adaptive surface
 * (recorded in `recorder`, logged), and the checks' cells are planned with the surfaces that declared themselves
 * randomized (the caller records them, with its probes where it has them).
 */
export function replanPreparedDefense(
  scope: RunScope,
  recorder: RunRecorder,
  entry: DefenseEntry,
  outcome: Extract<PrepareOutcome, { status: 'ready' }>,
  logger: Logger,
): ReplannedDefense {
  let added: CellResult[] = [];
  let dropped: CellResult[] = [];
  if (outcome.evaluation.adaptive) {
    ({ added, dropped } = recorder.replanCells(entry.name, planDefenseCells(scope, entry, true)));
    if (added.length > 0) logger.info(`${entry.name}: its decision rule is randomized, so ${added.length} adaptive cell(s) join the plan (EOT-${scope.spec.eotSamples} on '${added[0]!.surface}')`, { defense: entry.name });
    if (dropped.length > 0) logger.info(`${entry.name}: ${dropped.length} cell(s) of adaptive-only attacks (${[...new Set(dropped.map((cell) => cell.attack))].join(', ')}) leave its other surfaces: they run on '${added[0]?.surface ?? 'full'}' with EOT instead`, { defense: entry.name });
  }
  const sweep = recorder.results.cells.filter((cell) => cell.defense === entry.name && cell.extra === undefined);
  const randomized = outcome.surfaceDetails.filter((surface) => surface.randomized && attackedSurfaces(scope, entry, sweep).includes(surface.name)).map((surface) => surface.name);
  return { added, dropped, checkCells: planCheckCells(scope, entry, sweep, randomized) };
}

/** The surfaces a defense's sweep attacks: its planned ones and those its attacked cells name. */
export function attackedSurfaces(scope: RunScope, entry: DefenseEntry, sweep: readonly CellResult[]): string[] {
  // Surface-independent attacks' cells name the decision rule, which is not a surface of the defense's own.
  return [...new Set([...surfacesOf(scope, entry), ...sweep.filter((cell) => cell.epsilon > 0 && cell.surface !== CLEAN_SURFACE).map((cell) => cell.surface)])];
}
