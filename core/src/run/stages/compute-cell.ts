import { AdvbenchError, type AttackStepProgress } from '../../plugin-api/index.js';
import { createRandom } from '../../random/seeded-random.js';
import type { CellResult } from '../../store/result-types.js';
import { CLEAN_ATTACK, CLEAN_SURFACE, judgeSeed } from '../cell-plan.js';
import { decisionRuleSurface } from './decision-rule-surface.js';
import { evaluateBatch } from '../evaluate-batch.js';
import { createThrottle } from '../throttle.js';
import { foldAttackReport, type ReportedAttack } from './attack-reports.js';
import { defenseEntry, type RunScope } from './run-scope.js';
import { checkAttackInstance } from './check-attack-instance.js';

/** A contiguous range of test-example positions, `start` included, `end` excluded. */
export interface ExampleRange {
  /** First position. */
  start: number;
  /** One past the last position. */
  end: number;
}

/** What computing a cell, or a shard of it, gave: per-example outcomes for its range of positions. */
export interface CellShard {
  /** The cell's id. */
  cellId: string;
  /** First test position of the shard. */
  start: number;
  /** One past its last position. */
  end: number;
  /**
   * Outcome of each position `start..end-1` in order: the fraction of the defense's paired judge draws that still
   * classify it correctly (1 or 0 for a deterministic defense).
   */
  outcomes: number[];
  /** Examples whose attack output the harness had to project back into the ball or [0, 1]. */
  corrections: number;
  /** Seconds this shard took. */
  seconds: number;
  /** The attack's resolved settings (empty for a clean cell). */
  attackSettings: Record<string, unknown>;
  /** What the attack reported (cost, a composite's member outcomes by position of the shard), when it reported. */
  reported?: ReportedAttack;
}

/** Options of {@link computeCell}. */
export interface ComputeCellOptions {
  /** The positions to compute (default: the whole test split). */
  range?: ExampleRange;
  /** Called once the surface and the attack are resolved, before the first batch. */
  onStart?(attackSettings: Record<string, unknown>): void;
}

/**
 * Computes one planned cell, or a shard of it (a contiguous range of test positions), through the harness: batch
 * by batch (`spec.evalBatchSize`), the attack runs on the cell's surface and the defense's real decision rule
 * judges the projected result over `spec.judgeDraws` draws (once for a deterministic defense). The judge stream of a
 * batch is seeded by the defense and the batch's positions ({@link judgeSeed}), not by the cell: outcomes are
 * paired across the defense's cells. A clean cell (attack `clean`) attacks no surface. The defense entry must be prepared ({@link prepareDefense}) in this scope.
 * Each batch's random stream is forked from the cell's seed by the batch's position in the split, so a shard that
 * starts on a multiple of the batch size gives exactly the outcomes the whole cell gives at those positions.
 * A checks' extra cell (`planned.examples` set) evaluates exactly those test positions (its shard is then
 * `[0, examples.length)` in the order of `examples`, and `range` is ignored) with its attack's `overrides`.
 * Emits `cell-progress` on the scope's bus; writes nothing. Returns `'interrupted'` when the run's signal was
 * aborted (the shard must not count), throws when the surface, the attack or a batch fails.
 */
export async function computeCell(scope: RunScope, planned: CellResult, options: ComputeCellOptions = {}): Promise<CellShard | 'interrupted'> {
  const { tf, spec } = scope;
  const entry = defenseEntry(scope, planned.defense);
  const instance = entry.instance;
  if (!instance || !entry.prepared) throw new Error(`${planned.defense}: computeCell before prepareDefense`);
  const info = scope.dataset.info;
  const range = options.range ?? { start: 0, end: info.testCount };
  if (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < 0 || range.end > info.testCount || range.start >= range.end) {
    throw new Error(`${planned.id}: shard [${range.start}, ${range.end}) is not a non-empty range of test positions in [0, ${info.testCount})`);
  }
  const started = Date.now();
  const clean = planned.attack === CLEAN_ATTACK;
  const surface = clean ? undefined : planned.surface === CLEAN_SURFACE ? decisionRuleSurface(tf, instance.classifier) : instance.surfaces().find((candidate) => candidate.name === planned.surface);
  if (!clean && !surface) {
    const offered = instance.surfaces().map((candidate) => candidate.name).join(', ');
    throw new AdvbenchError('ADVBENCH_ERR_UNKNOWN_SURFACE', `${planned.defense} offers no surface '${planned.surface}' (it offers: ${offered})`);
  }
  const attack = clean ? undefined : await checkAttackInstance(scope, planned.attack, planned.extra?.overrides ?? {});
  const owner = `defense '${entry.name}' (plugin ${entry.loaded.plugin.id} ${entry.loaded.plugin.version})`;
  const attackSettings = attack ? attack.describe() : {};
  options.onStart?.(attackSettings);
  const order = planned.examples ?? Array.from({ length: range.end - range.start }, (_, offset) => range.start + offset);
  const slots = new Map(order.map((position, slot) => [position, slot]));
  const size = order.length;
  const outcomes = new Array<number>(size).fill(0);
  const random = createRandom(planned.seed);
  const throttle = createThrottle();
  const batchSize = spec.evalBatchSize;
  let examplesDone = 0;
  let corrections = 0;
  let reported: ReportedAttack | undefined;
  const progress = (doneBefore: number, count: number, step: AttackStepProgress) => {
    if (!throttle()) return;
    const fraction = (doneBefore + (count * ((step.restart - 1) * step.steps + step.step)) / (step.restarts * step.steps)) / size;
    const elapsed = (Date.now() - started) / 1000;
    scope.events.emit({ type: 'cell-progress', cellId: planned.id, examplesDone: doneBefore, examples: size, ...step, etaSeconds: fraction > 0 ? elapsed / fraction - elapsed : 0 });
  };
  for await (const batch of scope.dataset.test.batches({ batchSize, order })) {
    if (scope.signal.aborted) return 'interrupted';
    const [height, width, channels] = batch.shape;
    const x = tf.tensor4d(batch.images, [batch.count, height, width, channels], 'float32');
    const y = tf.tensor1d(batch.labels, 'int32');
    const doneBefore = examplesDone;
    try {
      const outcome = await evaluateBatch({
        tf,
        x,
        y,
        epsilon: planned.epsilon,
        attack,
        surface,
        classifier: instance.classifier,
        classes: info.classes,
        defense: planned.defense,
        rng: random.fork(batchLabel(batch.indices[0], batchSize)),
        judgeRng: createRandom(judgeSeed(spec.seed, planned.defense, batch.indices[0], batch.count)),
        judgeDraws: spec.judgeDraws,
        owner,
        signal: scope.signal,
        onStep: (step) => progress(doneBefore, batch.count, step),
      });
      batch.indices.forEach((position, offset) => {
        outcomes[slots.get(position)!] = outcome.correct[offset];
      });
      corrections += outcome.corrections;
      if (outcome.report) reported = foldAttackReport(reported, outcome.report, Array.from(batch.indices, (position) => position - range.start), size);
    } finally {
      tf.dispose([x, y]);
    }
    // An attack stopped by Ctrl-C returns early: its batch must not count.
    if (scope.signal.aborted) return 'interrupted';
    examplesDone += batch.count;
    if (attack === undefined && throttle()) {
      scope.events.emit({ type: 'cell-progress', cellId: planned.id, examplesDone, examples: size, step: 1, steps: 1, restart: 1, restarts: 1, successRate: 0, loss: 0, etaSeconds: 0 });
    }
  }
  const shard = planned.examples ? { start: 0, end: size } : range;
  return { cellId: planned.id, start: shard.start, end: shard.end, outcomes, corrections, seconds: (Date.now() - started) / 1000, attackSettings, ...(reported ? { reported } : {}) };
}

/** The label a batch's random stream is forked with: its index in the whole split when it starts on a batch boundary. */
function batchLabel(firstPosition: number, batchSize: number): string {
  return firstPosition % batchSize === 0 ? `batch-${firstPosition / batchSize}` : `batch-at-${firstPosition}`;
}
