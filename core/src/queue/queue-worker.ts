import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import type { RunEvent } from '../events/event-types.js';
import { isAdvbenchError, type Logger } from '../plugin-api/index.js';
import type { RunServices } from '../run/run-services.js';
import { computeCell } from '../run/stages/compute-cell.js';
import { messageOf } from '../run/stages/run-scope.js';
import { redisOptions } from './queue-connection.js';
import {
  jobOptions,
  QUEUE_NAME,
  type AdvbenchJobData,
  type CellJobData,
  type CellJobResult,
  type QueueProgress,
  type ReleaseJobData,
  type ReleaseJobResult,
  type TrainJobData,
  type TrainJobResult,
} from './queue-jobs.js';
import type { QueueAddress } from './queue-url.js';
import { WorkerRuns, type WorkerRun, type WorkerRunsOptions } from './worker-runs.js';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** The queue's Redis. */
  address: QueueAddress;
  /** Jobs this process runs at once (default 1). */
  concurrency?: number;
  /** The worker's name in events and logs (default `<host>-<pid>`). */
  name?: string;
  /**
   * Seconds a job's lock lasts without renewal (default 60): a worker killed mid-job has its job retried by
   * another this long after it died (BullMQ's stalled-job check runs every half of it).
   */
  stallSeconds?: number;
  /** The worker's logger. */
  logger: Logger;
  /** Core services. */
  services: RunServices;
  /** Selects the backend for a run's spec (once per process). */
  selectBackend: WorkerRunsOptions['selectBackend'];
  /** Overrides every run's model cache folder (the shared folder as this machine mounts it). */
  cacheDirectory?: string;
}

/** A started worker. */
export interface QueueWorker {
  /** The worker's name. */
  readonly name: string;
  /** Stops taking jobs, waits for the running ones, releases every run's scope and the connections. */
  close(): Promise<void>;
}

/**
 * Starts an `advbench worker`: takes jobs of any run on the queue (train a defense into the shared model cache,
 * release a defense's cell jobs, compute a cell or a shard) and runs them with the same stage functions as a local
 * run, in a run scope rebuilt from the job's spec. Progress events go back through the queue
 * (`job.updateProgress`); results are the jobs' return values, which only the coordinator writes to its store.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const stop = new AbortController();
  const runs = new WorkerRuns({ services: options.services, selectBackend: options.selectBackend, logger: options.logger, signal: stop.signal, cacheDirectory: options.cacheDirectory });
  const connection = redisOptions(options.address);
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', () => undefined);
  const lockDuration = Math.round((options.stallSeconds ?? 60) * 1000);

  const processJob = async (job: Job<AdvbenchJobData>): Promise<TrainJobResult | CellJobResult | ReleaseJobResult> => {
    const data = job.data;
    if (data.kind === 'release') return release(queue, job as Job<ReleaseJobData>);
    return runs.use(data, name, async (run) => {
      const unsubscribe = run.scope.events.subscribe((event) => {
        if (!concerns(data, event)) return;
        const { sequence: _sequence, time: _time, runId: _runId, ...input } = event;
        const progress: QueueProgress = { worker: name, event: input };
        job.updateProgress(progress as unknown as object).catch(() => undefined);
      });
      try {
        return data.kind === 'train' ? await train(run, data, name) : await cell(run, data, name);
      } finally {
        unsubscribe();
      }
    });
  };

  const worker = new Worker<AdvbenchJobData>(QUEUE_NAME, processJob, {
    connection,
    concurrency: options.concurrency ?? 1,
    name,
    lockDuration,
    stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
    maxStalledCount: 2,
  });
  let lastConnectionWarning = 0;
  worker.on('error', (error) => {
    // ioredis retries by itself (a restarting Redis): say so at most every 10 s.
    if (Date.now() - lastConnectionWarning < 10_000) return;
    lastConnectionWarning = Date.now();
    options.logger.warn(`worker ${name}: queue connection: ${messageOf(error)} (retrying)`);
  });
  worker.on('failed', (job, error) => {
    if (job) options.logger.warn(`worker ${name}: job ${job.id} failed (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}): ${messageOf(error)}`);
  });
  worker.on('completed', (job) => options.logger.info(`worker ${name}: job ${job.id} done`));
  await worker.waitUntilReady();
  options.logger.info(`worker ${name} listening on ${options.address.display} (queue ${QUEUE_NAME}, concurrency ${options.concurrency ?? 1})`);
  return {
    name,
    close: async () => {
      await worker.close();
      stop.abort();
      await runs.close();
      await queue.close();
    },
  };
}

/** True when a run event of the worker's scope is about this job (a scope is shared by its run's jobs). */
function concerns(data: TrainJobData | CellJobData, event: RunEvent): boolean {
  if (data.kind === 'train') return (event.type === 'train-start' || event.type === 'train-progress') && event.defense === data.defense;
  return (event.type === 'cell-progress' && event.cellId === data.cell.id) || (event.type === 'cell-start' && event.cell.id === data.cell.id);
}

async function train(run: WorkerRun, data: TrainJobData, worker: string): Promise<TrainJobResult> {
  const outcome = await run.prepare(data.defense);
  if (outcome.status === 'interrupted') throw new Error(`worker ${worker} stopped while preparing ${data.defense}`);
  if (outcome.status === 'failed') return { worker, status: 'failed', message: outcome.message, code: errorCode(outcome.error) };
  return { worker, ...outcome, ...(run.scope.baseParams === undefined ? {} : { modelParams: run.scope.baseParams }) };
}

async function cell(run: WorkerRun, data: CellJobData, worker: string): Promise<CellJobResult> {
  // Loads the trained model from the shared cache (the train job put it there) once per worker.
  const prepared = await run.prepare(data.cell.defense);
  if (prepared.status === 'interrupted') throw new Error(`worker ${worker} stopped while loading ${data.cell.defense}`);
  if (prepared.status === 'failed') return { worker, status: 'failed', message: prepared.message, code: errorCode(prepared.error) };
  let shard;
  try {
    shard = await computeCell(run.scope, data.cell, {
      range: data.range,
      // The coordinator numbers the cells it starts: index and total are its to fill in.
      onStart: (attackSettings) => run.scope.events.emit({ type: 'cell-start', cell: { ...data.cell, status: 'running', attackSettings }, index: 0, total: 0 }),
    });
  } catch (error) {
    return { worker, status: 'failed', message: `${data.cell.id}: ${messageOf(error)}`, code: errorCode(error) };
  }
  if (shard === 'interrupted') throw new Error(`worker ${worker} stopped during ${data.cell.id}`);
  return { worker, status: 'done', shard };
}

/** Adds a defense's cell jobs once its train job (the only child) succeeded; idempotent (deterministic job ids). */
async function release(queue: Queue, job: Job<ReleaseJobData>): Promise<ReleaseJobResult> {
  const children = Object.values(await job.getChildrenValues()) as TrainJobResult[];
  if (children.length === 0 || children.some((child) => child.status !== 'ready')) return { added: 0 };
  await queue.addBulk(job.data.cells.map((entry) => ({ name: 'cell', data: entry.data, opts: jobOptions(entry.jobId) })));
  return { added: job.data.cells.length };
}

function errorCode(error: unknown): string {
  return isAdvbenchError(error) ? error.code : 'ADVBENCH_ERR_PLUGIN_FAILED';
}
