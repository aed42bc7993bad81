import type { TrainingBudget } from '../analysis/training-budget.js';
import type { BestKnownPoint, CheckResult } from '../analysis/analysis-types.js';
import type { TrainProgress, TrainingCost } from '../plugin-api/index.js';
import type { MemoryUsage } from '../run/memory/memory-usage.js';
import type { CellResult, DefenseEvaluation, RunResults } from '../store/result-types.js';

/** Fields every event has. */
export interface EventBase {
  /** Monotonic sequence number within the run, from 1. */
  sequence: number;
  /** ISO time. */
  time: string;
  /** Run id. */
  runId: string;
}

/** Events about work a queue worker did name it (absent in a single-process run). */
export interface WorkerField {
  /** The worker (`advbench worker --name`, default host-pid) that did the work. */
  worker?: string;
}

/** A run begins (or resumes): the plan and the metadata. */
export interface RunStartEvent extends EventBase {
  type: 'run-start';
  /** The results so far (every planned cell, with status). */
  results: RunResults;
  /** True when resuming an earlier run. */
  resumed: boolean;
}
/** A defense starts preparing. */
export interface TrainStartEvent extends EventBase, WorkerField {
  type: 'train-start';
  defense: string;
}
/** Training progress of a defense. */
export interface TrainProgressEvent extends EventBase, WorkerField, TrainProgress {
  type: 'train-progress';
  defense: string;
}
/** A defense is ready (trained or loaded). */
export interface TrainEndEvent extends EventBase, WorkerField {
  type: 'train-end';
  defense: string;
  cost: TrainingCost;
  /** How the defense will be evaluated (randomized or not, surfaces, EOT samples, judge draws). */
  evaluation?: DefenseEvaluation;
  /** Own, inherited (base model) and total training, when the runner computed it. */
  budget?: TrainingBudget;
}
/** A cell starts. */
export interface CellStartEvent extends EventBase, WorkerField {
  type: 'cell-start';
  cell: CellResult;
  /** 1-based position among the cells this run computes. */
  index: number;
  /** Cells this run computes (not counting ones finished earlier). */
  total: number;
}
/** Attack progress within a cell. */
export interface CellProgressEvent extends EventBase, WorkerField {
  type: 'cell-progress';
  cellId: string;
  /** Examples of the cell done so far. */
  examplesDone: number;
  /** Examples in the cell. */
  examples: number;
  step: number;
  steps: number;
  restart: number;
  restarts: number;
  successRate: number;
  loss: number;
  etaSeconds: number;
}
/** A cell finished (done or failed). */
export interface CellEndEvent extends EventBase, WorkerField {
  type: 'cell-end';
  cell: CellResult;
}
/** A defense's evaluation checks or best-known accuracy changed (after its probes, and after each of its cells). */
export interface DefenseChecksEvent extends EventBase {
  type: 'defense-checks';
  defense: string;
  /** Every check's verdict so far (not-run until its inputs exist). */
  checks: CheckResult[];
  /** Best-known robust accuracy per epsilon so far. */
  bestKnown: BestKnownPoint[];
}
/** Cells left the plan: a defense found randomized runs its adaptive-only attacks on `full` instead of its other surfaces. */
export interface CellsDroppedEvent extends EventBase {
  type: 'cells-dropped';
  defense: string;
  /** Ids of the cells removed from the plan. */
  cellIds: string[];
  /** Why, in words. */
  reason: string;
}
/** The run ended. */
export interface RunEndEvent extends EventBase {
  type: 'run-end';
  status: RunResults['status'];
  seconds: number;
  /** The out folder. */
  out: string;
}
/** Something failed (a plugin, a cell); the run may go on. */
export interface ErrorEvent extends EventBase, WorkerField {
  type: 'error';
  message: string;
  code: string;
  defense?: string;
  cellId?: string;
}

/** Memory after one stage of the run (the run log's record of peak memory per stage). */
export interface MemoryEvent extends EventBase {
  type: 'memory';
  /** `prepare` (trained or loaded), `cells` (its cells computed) or `release` (its models disposed). */
  stage: 'prepare' | 'cells' | 'release';
  /** The defense entry of the stage. */
  defense: string;
  /** Memory in use at the stage's end (on wasm, `heapBytes` is the run's high-water mark so far). */
  usage: MemoryUsage;
  /** Most tensor bytes seen during the stage (sampled at progress events). */
  peakTensorBytes: number;
}

/** Every event on the bus. */
export type RunEvent =
  | RunStartEvent
  | TrainStartEvent
  | TrainProgressEvent
  | TrainEndEvent
  | CellStartEvent
  | CellProgressEvent
  | CellEndEvent
  | DefenseChecksEvent
  | CellsDroppedEvent
  | RunEndEvent
  | ErrorEvent
  | MemoryEvent;

/** Event type names. */
export type RunEventType = RunEvent['type'];

/** An event before the bus stamps it. */
export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, keyof EventBase> : never) : never;
