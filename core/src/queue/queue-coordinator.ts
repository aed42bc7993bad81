import { FlowProducer, Queue, QueueEvents, type Job } from 'bullmq';
import type { DependencyContainer } from 'tsyringe';
import type { SelectedBackend } from '../compute/select-backend.js';
import type { RunSpec } from '../config/run-spec.js';
import { Tokens } from '../di/tokens.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger, RandomSource } from '../plugin-api/index.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import { RunRecorder } from '../run/run-recorder.js';
import type { RunServices } from '../run/run-services.js';
import type { CellShard, ExampleRange } from '../run/stages/compute-cell.js';
import { createDefenses } from '../run/stages/create-defenses.js';
import { mergeCellShards } from '../run/stages/merge-cell-shards.js';
import { planRun, type RunIdentity } from '../run/stages/plan-run.js';
import { replanPreparedDefense } from '../run/stages/replan-prepared-defense.js';
import { messageOf, openRunScope, releaseRunScope, type RunScope } from '../run/stages/run-scope.js';
import { warnOfProjections } from '../run/sweep-runner.js';
import type { ResultStore } from '../store/result-store.js';
import type { CellResult, RunResults } from '../store/result-types.js';
import { codeVersionOf, type CodeVersion } from './code-version.js';
import { redisOptions } from './queue-connection.js';
import {
  belongsToRun,
  cellJobId,
  jobOptions,
  QUEUE_NAME,
  releaseJobId,
  shardRanges,
  trainJobId,
  type AdvbenchJobData,
  type CellJobData,
  type CellJobResult,
  type QueueProgress,
  type ReleaseJobData,
  type RunJobContext,
  type TrainJobResult,
} from './queue-jobs.js';
import type { QueueAddress } from './queue-url.js';
import { scopePlugins } from './worker-runs.js';

/** Options of a run on a queue. */
export interface QueueRunOptions {
  /** The queue's Redis. */
  address: QueueAddress;
  /** Test examples per cell job (0: one job per cell). Rounded up to a multiple of the evaluation batch size. */
  shardSize: number;
  /** The coordinator's working folder (sent to workers; relative plugin references resolve from it). */
  cwd: string;
  /** Seconds between full checks of every outstanding job (completion events wake it sooner). Default 3. */
  reconcileSeconds?: number;
}

/** One shard job the coordinator waits for. */
interface ShardJob {
  jobId: string;
  range: ExampleRange;
  data: CellJobData;
}

/** One pending cell: its shard jobs and what came back. */
interface CellTracking {
  planned: CellResult;
  shards: ShardJob[];
  done: Map<number, CellShard>;
  workers: Set<string>;
  started: boolean;
  recorded: boolean;
}

/** One defense with pending cells. */
interface DefenseTracking {
  name: string;
  trainJobId: string;
  releaseJobId: string;
  trained: boolean;
  cells: CellTracking[];
}

type JobState = Awaited<ReturnType<Queue['getJobState']>>;

/**
 * `advbench run --queue`: the process plans the run exactly as a local run does (same stages), then, instead of
 * computing, enqueues per defense a BullMQ flow (a train job, child of a release job that adds the defense's cell
 * jobs once the model is in the shared cache), with deterministic job ids (run id + defense or cell id + range), and
 * merges every finished job's result into its own store, results.json and events through the same
 * {@link RunRecorder} as a local run. It re-attaches to jobs already on the queue (`--resume` after a crash), takes
 * results it missed, re-adds jobs a Redis without persistence lost, and removes the run's jobs when it completes.
 */
export class QueueCoordinator {
  private recorder?: RunRecorder;
  private queue?: Queue;
  private flows?: FlowProducer;
  private events?: QueueEvents;
  private wake?: () => void;
  private startedCells = 0;
  private pendingCells = 0;
  private scope?: RunScope;
  private context?: RunJobContext;
  private lastWarning = 0;
  private readonly defenses: DefenseTracking[] = [];
  private readonly byJob = new Map<string, { defense: DefenseTracking; cell?: CellTracking; shard?: ShardJob }>();

  constructor(
    private readonly spec: RunSpec,
    private readonly registry: PluginRegistry,
    private readonly bus: EventBus,
    private readonly store: ResultStore,
    private readonly services: RunServices,
    private readonly backend: SelectedBackend,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
    private readonly random: RandomSource,
    private readonly options: QueueRunOptions,
  ) {}

  /** Builds a coordinator from a run's DI scope (the same registrations as the local sweep runner). */
  static fromScope(container: DependencyContainer, options: QueueRunOptions): QueueCoordinator {
    const get = <T>(token: symbol) => container.resolve<T>(token);
    return new QueueCoordinator(
      get(Tokens.RunSpec),
      get(Tokens.PluginRegistry),
      get(Tokens.EventBus),
      get(Tokens.ResultStore),
      get(Tokens.RunServices),
      get(Tokens.Backend),
      get(Tokens.Logger),
      get(Tokens.Signal),
      get(Tokens.RunRandom),
      options,
    );
  }

  /** Runs the sweep on the queue; returns the final results (also in the store and results.json). */
  async run(identity: RunIdentity): Promise<RunResults> {
    const started = Date.now();
    let status: RunResults['status'] = 'failed';
    let scope: RunScope | undefined;
    try {
      scope = await openRunScope({ spec: this.spec, registry: this.registry, events: this.bus, services: this.services, backend: this.backend, logger: this.logger, signal: this.signal, random: this.random });
      const failures = await createDefenses(scope);
      const onStale = (cellId: string, reason: string) => this.logger.warn(`${cellId}: computed again: ${reason}`, { cellId });
      const stored = identity.resumed ? { finishedCells: this.store.finishedCells(), results: this.store.results(), onStale } : { finishedCells: new Map<string, CellResult>() };
      const recorder = new RunRecorder(planRun(scope, identity, stored), this.store, this.bus, this.logger);
      this.recorder = recorder;
      await recorder.begin(identity.resumed);
      for (const failure of failures) recorder.reportError(failure.error, failure.message, { defense: failure.defense });
      const codeVersion = await codeVersionOf(scopePlugins(scope), this.backend.info.name, this.options.cwd);
      this.connect();
      await this.enqueue(scope, codeVersion);
      const interrupted = await this.follow();
      const failed = recorder.results.cells.some((cell) => cell.status === 'failed');
      status = interrupted ? 'interrupted' : failed ? 'failed' : 'completed';
      if (!interrupted) await this.removeJobs();
      else this.logger.warn(`the run's jobs stay on the queue (workers go on with them); re-attach with: advbench run --resume ${this.spec.out} --queue ${this.options.address.display}`);
    } finally {
      if (this.recorder) await this.recorder.end(status, (Date.now() - started) / 1000, this.spec.out);
      await this.disconnect();
      if (scope) await releaseRunScope(scope);
    }
    return this.recorder!.results;
  }

  private connect(): void {
    const connection = redisOptions(this.options.address);
    this.queue = new Queue(QUEUE_NAME, { connection });
    this.flows = new FlowProducer({ connection });
    this.events = new QueueEvents(QUEUE_NAME, { connection });
    this.queue.on('error', (error) => this.warnConnection(error));
    this.flows.on('error', (error) => this.warnConnection(error));
    this.events.on('error', (error) => this.warnConnection(error));
    this.events.on('progress', ({ jobId, data }) => {
      if (belongsToRun(jobId, this.recorder!.results.runId)) void this.onProgress(jobId, data as unknown as QueueProgress).catch((error: unknown) => this.warnConnection(error));
    });
    const onEnd = ({ jobId }: { jobId: string }) => {
      if (belongsToRun(jobId, this.recorder!.results.runId)) this.wake?.();
    };
    this.events.on('completed', onEnd);
    this.events.on('failed', onEnd);
  }

  private async disconnect(): Promise<void> {
    await Promise.allSettled([this.events?.close(), this.flows?.close(), this.queue?.close()]);
  }

  /** Plans the jobs of every pending cell, adopting a defense's jobs already on the queue (re-attach). */
  private async enqueue(scope: RunScope, codeVersion: CodeVersion): Promise<void> {
    const recorder = this.recorder!;
    const { runId } = recorder.results;
    const context: RunJobContext = { runId, spec: this.spec, cwd: this.options.cwd, codeVersion };
    this.scope = scope;
    this.context = context;
    const pending = recorder.results.cells.filter((cell) => cell.status !== 'done');
    this.pendingCells = pending.length;
    for (const entry of scope.defenses) {
      const cells = pending.filter((cell) => cell.defense === entry.name);
      if (cells.length === 0) continue;
      if (entry.failure) {
        for (const cell of cells) await recorder.failCell(cell, entry.failure);
        continue;
      }
      const defense: DefenseTracking = { name: entry.name, trainJobId: trainJobId(runId, entry.name), releaseJobId: releaseJobId(runId, entry.name), trained: false, cells: [] };
      const existing = (await this.queue!.getJob(defense.releaseJobId)) as Job<ReleaseJobData> | undefined;
      const adopted = new Map((existing?.data.cells ?? []).map((shard) => [shard.jobId, shard.data]));
      for (const planned of cells) {
        const adoptedRanges = existing ? [...adopted.values()].filter((data) => data.cell.id === planned.id).map((data) => data.range) : [];
        this.track(defense, planned, context, adoptedRanges);
      }
      this.defenses.push(defense);
      this.byJob.set(defense.trainJobId, { defense });
      if (existing) {
        this.logger.info(`re-attached to the jobs of ${entry.name} on ${this.options.address.display}`);
        continue;
      }
      await this.addFlow(defense, context);
    }
  }

  /** Tracks a planned cell of `defense`: its shard jobs (`ranges`, or the configured shards when none are given). */
  private track(defense: DefenseTracking, planned: CellResult, context: RunJobContext, ranges: ExampleRange[] = []): CellTracking {
    const { runId } = context;
    // A checks' extra cell runs on its own subset of test examples: one job, never sharded.
    const shardSize = planned.examples ? 0 : this.options.shardSize;
    const tracking: CellTracking = { planned, shards: [], done: new Map(), workers: new Set(), started: false, recorded: false };
    for (const range of ranges.length > 0 ? ranges : shardRanges(this.scope!.dataset.info.testCount, shardSize, this.spec.evalBatchSize)) {
      const jobId = cellJobId(runId, planned.id, range);
      const shard: ShardJob = { jobId, range, data: { ...context, kind: 'cell', cell: planned, range } };
      tracking.shards.push(shard);
      this.byJob.set(jobId, { defense, cell: tracking, shard });
    }
    defense.cells.push(tracking);
    return tracking;
  }

  /**
   * A defense's train job came back ready: what it taught the plan, as the local runner applies it
   * ({@link replanPreparedDefense}). Added cells (a randomized defense's adaptive ones, its checks' doubled-EOT ones)
   * are enqueued at once (their model is trained); dropped ones stop being waited for, and their jobs are taken off
   * the queue and out of the release job where they still are (one a worker already took is computed and ignored).
   */
  private async replan(defense: DefenseTracking, outcome: Extract<TrainJobResult, { status: 'ready' }>): Promise<void> {
    const scope = this.scope!;
    const recorder = this.recorder!;
    const entry = scope.defenses.find((candidate) => candidate.name === defense.name);
    if (!entry) return;
    const { added, dropped, checkCells } = replanPreparedDefense(scope, recorder, entry, outcome, this.logger);
    const joined = [...added, ...recorder.addCells(defense.name, checkCells)];
    if (dropped.length > 0) {
      const gone = new Set(dropped.map((cell) => cell.id));
      const leaving = defense.cells.filter((cell) => gone.has(cell.planned.id));
      defense.cells = defense.cells.filter((cell) => !gone.has(cell.planned.id));
      const jobIds = new Set(leaving.flatMap((cell) => cell.shards.map((shard) => shard.jobId)));
      for (const jobId of jobIds) this.byJob.delete(jobId);
      const release = (await this.queue!.getJob(defense.releaseJobId)) as Job<ReleaseJobData> | undefined;
      if (release && !(await release.isCompleted())) await release.updateData({ ...release.data, cells: release.data.cells.filter((cell) => !jobIds.has(cell.jobId)) });
      for (const jobId of jobIds) await this.queue!.remove(jobId).catch(() => 0);
      this.pendingCells -= leaving.length;
    }
    for (const planned of joined) {
      const tracking = this.track(defense, planned, this.context!);
      for (const shard of tracking.shards) await this.queue!.add('cell', shard.data, jobOptions(shard.jobId));
    }
    this.pendingCells += joined.length;
  }

  private async addFlow(defense: DefenseTracking, context: RunJobContext): Promise<void> {
    const cells = defense.cells.flatMap((cell) => cell.shards.map((shard) => ({ jobId: shard.jobId, data: shard.data })));
    const release: ReleaseJobData = { ...context, kind: 'release', defense: defense.name, cells };
    await this.flows!.add({
      name: 'release',
      queueName: QUEUE_NAME,
      data: release,
      opts: jobOptions(defense.releaseJobId),
      children: [{ name: 'train', queueName: QUEUE_NAME, data: { ...context, kind: 'train', defense: defense.name } satisfies AdvbenchJobData, opts: { ...jobOptions(defense.trainJobId), failParentOnFailure: true } }],
    });
  }

  /** Waits until every pending cell is recorded (true when interrupted first). */
  private async follow(): Promise<boolean> {
    const period = (this.options.reconcileSeconds ?? 3) * 1000;
    while (!this.allRecorded()) {
      if (this.signal.aborted) return true;
      try {
        await this.reconcile();
      } catch (error) {
        this.warnConnection(error);
      }
      if (this.allRecorded()) break;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, period);
        this.signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    return false;
  }

  private allRecorded(): boolean {
    return this.defenses.every((defense) => defense.cells.every((cell) => cell.recorded));
  }

  /** Looks at every outstanding job once: records what finished, re-adds what the queue lost. */
  private async reconcile(): Promise<void> {
    const queue = this.queue!;
    for (const defense of this.defenses) {
      if (defense.cells.every((cell) => cell.recorded)) continue;
      if (!defense.trained) {
        const state = await queue.getJobState(defense.trainJobId);
        if (state === 'completed' || state === 'failed') await this.onTrainEnd(defense, state);
        else if (state === 'unknown' && (await queue.getJobState(defense.releaseJobId)) === 'unknown') {
          this.logger.warn(`the queue lost the jobs of ${defense.name} (Redis without persistence restarted?): adding them again`);
          const { data } = defense.cells[0].shards[0];
          await this.addFlow(defense, { runId: data.runId, spec: data.spec, cwd: data.cwd, codeVersion: data.codeVersion });
        }
        if (!defense.trained) continue;
      }
      const release = await queue.getJobState(defense.releaseJobId);
      for (const cell of defense.cells) {
        for (const shard of cell.shards) {
          if (cell.recorded || cell.done.has(shard.range.start)) continue;
          const state = await queue.getJobState(shard.jobId);
          if (state === 'completed' || state === 'failed') await this.onShardEnd(cell, shard, state);
          else if (state === 'unknown' && (release === 'completed' || release === 'unknown')) {
            await queue.add('cell', shard.data, jobOptions(shard.jobId));
          }
        }
      }
    }
  }

  private async onTrainEnd(defense: DefenseTracking, state: JobState): Promise<void> {
    const recorder = this.recorder!;
    const job = await this.queue!.getJob(defense.trainJobId);
    const result = job?.returnvalue as TrainJobResult | undefined;
    defense.trained = true;
    if (state === 'completed' && result?.status === 'ready') {
      const { worker: _worker, modelParams, ...outcome } = result;
      recorder.recordPrepared(defense.name, outcome, modelParams);
      recorder.emit({ type: 'train-end', defense: defense.name, cost: result.cost, evaluation: result.evaluation, ...(result.budget ? { budget: result.budget } : {}), worker: result.worker });
      await this.replan(defense, result);
      return;
    }
    const message = result?.status === 'failed' ? result.message : `${defense.name}: its train job failed: ${job?.failedReason ?? 'no reason given'}`;
    recorder.recordPrepared(defense.name, { status: 'failed', error: Object.assign(new Error(message), { code: result?.status === 'failed' ? result.code : undefined }), message });
    for (const cell of defense.cells) {
      if (cell.recorded) continue;
      cell.recorded = true;
      await recorder.failCell(cell.planned, message, result?.worker);
    }
  }

  private async onShardEnd(cell: CellTracking, shard: ShardJob, state: JobState): Promise<void> {
    const recorder = this.recorder!;
    const job = await this.queue!.getJob(shard.jobId);
    const result = job?.returnvalue as CellJobResult | undefined;
    if (state === 'completed' && result?.status === 'done') {
      cell.done.set(shard.range.start, result.shard);
      cell.workers.add(result.worker);
      if (cell.done.size < cell.shards.length) return;
      cell.recorded = true;
      const merged = mergeCellShards(cell.planned, [...cell.done.values()], cell.planned.examples?.length ?? recorder.results.dataset.testCount);
      warnOfProjections(this.logger, merged);
      await recorder.finishCell(merged, [...cell.workers].join(','));
      return;
    }
    cell.recorded = true;
    const message = result?.status === 'failed' ? result.message : `${cell.planned.id}: its job ${shard.jobId} failed: ${job?.failedReason ?? 'no reason given'}`;
    recorder.reportError(Object.assign(new Error(message), { code: result?.status === 'failed' ? result.code : 'ADVBENCH_ERR_QUEUE_JOB_FAILED' }), message, { defense: cell.planned.defense, cellId: cell.planned.id });
    await recorder.failCell(cell.planned, message, result?.worker);
  }

  /** A worker's progress report: re-emitted on the coordinator's bus with the worker's name. */
  private async onProgress(jobId: string, progress: QueueProgress): Promise<void> {
    const recorder = this.recorder!;
    const tracked = this.byJob.get(jobId);
    const { event, worker } = progress;
    if (!tracked || !event || typeof event !== 'object') return;
    if (event.type === 'train-start' && !tracked.defense.trained) {
      recorder.defense(tracked.defense.name).status = 'running';
      recorder.emit({ ...event, worker });
    } else if (event.type === 'train-progress' && !tracked.defense.trained) {
      recorder.emit({ ...event, worker });
    } else if (event.type === 'cell-start' && tracked.cell && !tracked.cell.started && !tracked.cell.recorded) {
      tracked.cell.started = true;
      this.startedCells += 1;
      recorder.startCell(tracked.cell.planned, event.cell.attackSettings, { index: this.startedCells, total: this.pendingCells }, worker);
    } else if (event.type === 'cell-progress' && tracked.cell && !tracked.cell.recorded) {
      const before = [...tracked.cell.done.values()].reduce((sum, shard) => sum + shard.outcomes.length, 0);
      recorder.emit({ ...event, examplesDone: before + event.examplesDone, examples: recorder.results.dataset.testCount, worker });
    }
  }

  /** Removes the run's jobs from the queue once every cell is recorded (also those an earlier process added). */
  private async removeJobs(): Promise<void> {
    const queue = this.queue!;
    const { runId } = this.recorder!.results;
    try {
      for (const { name } of this.recorder!.results.defenses) {
        const release = (await queue.getJob(releaseJobId(runId, name))) as Job<ReleaseJobData> | undefined;
        const tracked = this.defenses.find((defense) => defense.name === name);
        const cells = new Set([...(release?.data.cells ?? []).map((cell) => cell.jobId), ...(tracked?.cells ?? []).flatMap((cell) => cell.shards.map((shard) => shard.jobId))]);
        for (const jobId of cells) await queue.remove(jobId);
        await queue.remove(releaseJobId(runId, name), { removeChildren: true });
        await queue.remove(trainJobId(runId, name));
      }
    } catch (error) {
      this.logger.warn(`could not remove the run's jobs from the queue: ${messageOf(error)}`);
    }
  }

  private warnConnection(error: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`queue ${this.options.address.display}: ${messageOf(error)} (retrying)`);
  }
}
