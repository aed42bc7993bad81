import type { SelectedBackend } from '../compute/select-backend.js';
import type { RunSpec } from '../config/run-spec.js';
import { EventBus } from '../events/event-bus.js';
import type { Logger } from '../plugin-api/index.js';
import { PluginRegistry, type LoadedPlugin } from '../plugins/plugin-registry.js';
import { createRandom } from '../random/seeded-random.js';
import type { RunServices } from '../run/run-services.js';
import { createDefenses } from '../run/stages/create-defenses.js';
import { prepareDefense, type PrepareOutcome } from '../run/stages/prepare-defense.js';
import { openRunScope, releaseRunScope, type RunScope } from '../run/stages/run-scope.js';
import { codeVersionDifferences, codeVersionOf, type CodeVersion } from './code-version.js';
import type { RunJobContext } from './queue-jobs.js';

/** Code of the error a worker refuses a job of other code with. */
export const CODE_VERSION_MISMATCH = 'ADVBENCH_ERR_QUEUE_CODE_VERSION';

/** One run as a worker holds it: its scope rebuilt from the spec, its code version, prepared defenses. */
export interface WorkerRun {
  /** The run's scope on this worker. */
  scope: RunScope;
  /** This worker's code version for the run's plugins. */
  codeVersion: CodeVersion;
  /** Prepares a defense once per worker, however many jobs ask at once. */
  prepare(defense: string): Promise<PrepareOutcome>;
}

/** What {@link WorkerRuns} needs. */
export interface WorkerRunsOptions {
  /** Core services. */
  services: RunServices;
  /** Selects the backend once per process (tfjs has one global backend). */
  selectBackend(spec: RunSpec): Promise<SelectedBackend>;
  /** The worker's logger. */
  logger: Logger;
  /** Aborted when the worker stops. */
  signal: AbortSignal;
  /** Overrides every run's `cacheDirectory` (the shared model cache as this machine mounts it). */
  cacheDirectory?: string;
}

/** Runs a worker keeps open at most while idle (their datasets and models stay loaded for the next job). */
export const MAX_IDLE_RUNS = 2;

interface OpenRun {
  pending: Promise<WorkerRun>;
  active: number;
  lastUsed: number;
}

/**
 * The runs a worker has taken jobs of, each opened once: the scope is rebuilt from the job's spec alone (the
 * same stages as a local run), defenses are created, and the worker's own code version is computed and compared
 * with the coordinator's, refusing the job (with the differences named) when they differ. Beyond
 * {@link MAX_IDLE_RUNS} open runs, the least recently used idle ones are released.
 */
export class WorkerRuns {
  private readonly runs = new Map<string, OpenRun>();

  constructor(private readonly options: WorkerRunsOptions) {}

  /**
   * Runs `body` with the run of a job, opened on first use; throws, without calling `body`, when this worker's
   * code differs from the coordinator's.
   */
  async use<T>(context: RunJobContext, worker: string, body: (run: WorkerRun) => Promise<T>): Promise<T> {
    let open = this.runs.get(context.runId);
    if (!open) {
      const pending = this.build(context);
      open = { pending, active: 0, lastUsed: Date.now() };
      this.runs.set(context.runId, open);
      pending.catch(() => this.runs.delete(context.runId));
    }
    open.active += 1;
    try {
      const run = await open.pending;
      const differences = codeVersionDifferences(context.codeVersion, run.codeVersion);
      if (differences.length > 0) {
        const error = new Error(`worker ${worker} refuses jobs of run ${context.runId}: its code differs from the coordinator's (${differences.join('; ')}); run the same advbench and plugins everywhere`);
        (error as Error & { code: string }).code = CODE_VERSION_MISMATCH;
        throw error;
      }
      return await body(run);
    } finally {
      open.active -= 1;
      open.lastUsed = Date.now();
      await this.releaseIdle();
    }
  }

  /** Releases every run's scope. */
  async close(): Promise<void> {
    const runs = [...this.runs.values()];
    this.runs.clear();
    for (const open of runs) await release(open);
  }

  private async releaseIdle(): Promise<void> {
    const idle = [...this.runs.entries()].filter(([, open]) => open.active === 0).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [runId, open] of idle.slice(0, Math.max(0, this.runs.size - MAX_IDLE_RUNS))) {
      this.runs.delete(runId);
      await release(open);
    }
  }

  private async build(context: RunJobContext): Promise<WorkerRun> {
    const spec: RunSpec = { ...context.spec, ...(this.options.cacheDirectory ? { cacheDirectory: this.options.cacheDirectory } : {}) };
    const registry = await PluginRegistry.create({ extraReferences: spec.plugins, cwd: context.cwd });
    const backend = await this.options.selectBackend(spec);
    const scope = await openRunScope({
      spec,
      registry,
      events: new EventBus(context.runId),
      services: this.options.services,
      backend,
      logger: this.options.logger,
      signal: this.options.signal,
      random: createRandom(spec.seed),
    });
    try {
      await createDefenses(scope);
      const codeVersion = await codeVersionOf(scopePlugins(scope), backend.info.name, context.cwd);
      const preparing = new Map<string, Promise<PrepareOutcome>>();
      return {
        scope,
        codeVersion,
        prepare: (defense) => {
          let outcome = preparing.get(defense);
          if (!outcome) {
            outcome = prepareDefense(scope, defense);
            preparing.set(defense, outcome);
            // A stopped preparation may be asked for again.
            void outcome.then((result) => result.status === 'interrupted' && preparing.delete(defense));
          }
          return outcome;
        },
      };
    } catch (error) {
      await releaseRunScope(scope);
      throw error;
    }
  }
}

/** The plugins of a scope's defense and attack entries, once each. */
export function scopePlugins(scope: RunScope): LoadedPlugin[] {
  const byId = new Map<string, LoadedPlugin>();
  for (const entry of [...scope.defenses, ...scope.attacks.values()]) byId.set(entry.loaded.plugin.id, entry.loaded);
  return [...byId.values()];
}

async function release(open: OpenRun): Promise<void> {
  const run = await open.pending.catch(() => undefined);
  if (run) await releaseRunScope(run.scope);
}
