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

/**
 * The runs a worker has taken jobs of, each opened once: the scope is rebuilt from the job's spec alone (the
 * same stages as a local run), defenses are created, and the worker's own code version is computed and compared
 * with the coordinator's, refusing the job (with the differences named) when they differ.
 */
export class WorkerRuns {
  private readonly runs = new Map<string, Promise<WorkerRun>>();

  constructor(private readonly options: WorkerRunsOptions) {}

  /** The run of a job, opened on first use; throws when this worker's code differs from the coordinator's. */
  async open(context: RunJobContext, worker: string): Promise<WorkerRun> {
    let pending = this.runs.get(context.runId);
    if (!pending) {
      pending = this.build(context);
      this.runs.set(context.runId, pending);
      pending.catch(() => this.runs.delete(context.runId));
    }
    const run = await pending;
    const differences = codeVersionDifferences(context.codeVersion, run.codeVersion);
    if (differences.length > 0) {
      const error = new Error(`worker ${worker} refuses jobs of run ${context.runId}: its code differs from the coordinator's (${differences.join('; ')}); run the same advbench and plugins everywhere`);
      (error as Error & { code: string }).code = CODE_VERSION_MISMATCH;
      throw error;
    }
    return run;
  }

  /** Releases every run's scope. */
  async close(): Promise<void> {
    const runs = [...this.runs.values()];
    this.runs.clear();
    for (const pending of runs) {
      const run = await pending.catch(() => undefined);
      if (run) await releaseRunScope(run.scope);
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
