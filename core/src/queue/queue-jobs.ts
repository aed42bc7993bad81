import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { RunSpec } from '../config/run-spec.js';
import type { RunEventInput } from '../events/event-types.js';
import type { CellShard, ExampleRange } from '../run/stages/compute-cell.js';
import type { PrepareOutcome } from '../run/stages/prepare-defense.js';
import type { CellResult } from '../store/result-types.js';
import type { CodeVersion } from './code-version.js';

/** The BullMQ queue every advbench run and worker on one Redis shares (its keys start with `bull:advbench:`). */
export const QUEUE_NAME = 'advbench';

/** What every job carries: the run it belongs to and what a worker needs to rebuild that run's scope. */
export interface RunJobContext {
  /** The run's id (its job ids start with it). */
  runId: string;
  /** The run's spec, with absolute paths (the shared folders must have the same paths on every machine). */
  spec: RunSpec;
  /** The coordinator's working folder (relative plugin references in `spec.plugins` resolve from it). */
  cwd: string;
  /** The coordinator's code version: a worker with another refuses the job. */
  codeVersion: CodeVersion;
}

/** Prepares one defense (trains it into the shared model cache, or finds it there). */
export interface TrainJobData extends RunJobContext {
  kind: 'train';
  /** The defense entry's name. */
  defense: string;
}

/** One cell, or one shard of its test positions. */
export interface CellJobData extends RunJobContext {
  kind: 'cell';
  /** The planned cell. */
  cell: CellResult;
  /** The test positions this job computes. */
  range: ExampleRange;
}

/**
 * The parent of a defense's train job (a BullMQ flow: it runs once its child finished): it adds the defense's
 * cell jobs, so no cell job exists before its model is in the cache. (A BullMQ job has one parent, so the many
 * cell jobs of one defense cannot all be parents of its one train job; this job releases them instead.)
 */
export interface ReleaseJobData extends RunJobContext {
  kind: 'release';
  /** The defense entry's name. */
  defense: string;
  /** The cell jobs to add, by job id. */
  cells: Array<{ jobId: string; data: CellJobData }>;
}

/** Any job's data. */
export type AdvbenchJobData = TrainJobData | CellJobData | ReleaseJobData;

/** What a train job returns. */
export type TrainJobResult =
  | ({ worker: string; modelParams?: number } & Extract<PrepareOutcome, { status: 'ready' }>)
  | { worker: string; status: 'failed'; message: string; code: string };

/** What a cell job returns: the shard's outcomes, or why the cell failed (a plugin error: not retried). */
export type CellJobResult = { worker: string; status: 'done'; shard: CellShard } | { worker: string; status: 'failed'; message: string; code: string };

/** What a release job returns. */
export interface ReleaseJobResult {
  /** Cell jobs it added (0 when the defense failed to prepare). */
  added: number;
}

/** A progress report a worker sends through the queue (`job.updateProgress`). */
export interface QueueProgress {
  /** The worker's name. */
  worker: string;
  /** The run event, as the worker's run scope emitted it (the coordinator re-stamps it on its own bus). */
  event: RunEventInput;
}

/** Characters BullMQ job ids keep as they are (`:` separates Redis key parts and is refused). */
function slug(text: string): string {
  const readable = text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return `${readable}~${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
}

/** The deterministic job id of a defense's train job in a run. */
export function trainJobId(runId: string, defense: string): string {
  return `${runId}.train.${slug(defense)}`;
}

/** The deterministic job id of a defense's release job in a run. */
export function releaseJobId(runId: string, defense: string): string {
  return `${runId}.release.${slug(defense)}`;
}

/** The deterministic job id of one shard of a cell in a run. */
export function cellJobId(runId: string, cellId: string, range: ExampleRange): string {
  return `${runId}.cell.${slug(cellId)}.${range.start}-${range.end}`;
}

/** True when the job id belongs to the run. */
export function belongsToRun(jobId: string | undefined, runId: string): boolean {
  return jobId !== undefined && jobId.startsWith(`${runId}.`);
}

/**
 * The shards of a cell: contiguous ranges of `shardSize` test positions (a multiple of the evaluation batch size,
 * so each shard's batches are the whole cell's batches), or the whole split when `shardSize` is 0 or covers it.
 */
export function shardRanges(examples: number, shardSize: number, batchSize: number): ExampleRange[] {
  if (shardSize <= 0 || shardSize >= examples) return [{ start: 0, end: examples }];
  const size = Math.max(batchSize, Math.ceil(shardSize / batchSize) * batchSize);
  const ranges: ExampleRange[] = [];
  for (let start = 0; start < examples; start += size) ranges.push({ start, end: Math.min(examples, start + size) });
  return ranges;
}

/**
 * Options of every advbench job: retried up to `attempts` times when a worker dies or refuses it (a plugin error
 * is a result, not a retry), kept after it ends (the coordinator reads the result, then removes the run's jobs).
 */
export function jobOptions(jobId: string, attempts = 3): JobsOptions {
  return { jobId, attempts, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false };
}
