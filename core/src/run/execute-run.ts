import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { hashRunSpec } from '../config/hash-run-spec.js';
import type { RunSpec } from '../config/run-spec.js';
import { createRootContainer } from '../di/root-container.js';
import { runScope } from '../di/run-scope.js';
import { Tokens } from '../di/tokens.js';
import { EventBus, type Reporter } from '../events/event-bus.js';
import { inputError, isAdvbenchError, EXIT_BAD_INPUT, type Logger } from '../plugin-api/index.js';
import { checkModelFolder } from '../models/io/check-model-folder.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import { createRandom } from '../random/seeded-random.js';
import { openStore, RESULTS_DATABASE_FILE, type ResultStore } from '../store/result-store.js';
import { RESULTS_JSON_FILE } from '../store/results-json.js';
import { acquireRunLock, RUN_LOCK_FILE, RUN_LOCK_OWNER_FILE, type RunLock } from '../store/run-lock.js';
import type { RunResults } from '../store/result-types.js';
import { loadRunServices, type RunServices } from './run-services.js';
import { resolveRunEntries } from './stages/run-scope.js';
import { SweepRunner, type RunIdentity } from './sweep-runner.js';

/** Options of {@link executeRun}. */
export interface ExecuteRunOptions {
  /** Resolves the spec's plugin references. */
  registry: PluginRegistry;
  /** Every reporter, subscribed to the run's events and closed when it ends. */
  reporters: Reporter[];
  /** True for `--resume`: the out folder must already hold this run. */
  resume: boolean;
  /** Aborted on Ctrl-C: the run stops after the current batch and is marked interrupted. */
  signal: AbortSignal;
  /** The process logger. */
  logger: Logger;
  /** The process's root container (default: a new one holding the logger, registry and a new event bus). */
  container?: DependencyContainer;
  /** Core services (default: the real ones). */
  services?: RunServices;
  /**
   * Drives the run's stages inside the run's DI scope (default: the local {@link SweepRunner}); the queue
   * coordinator (`run --queue`) is the other one.
   */
  runner?: (scope: DependencyContainer, identity: RunIdentity) => Promise<RunResults>;
}

/** A new run's id: its start time and the config hash's first 8 digits. */
function newRunId(startedAt: string, configHash: string): string {
  return `${startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${configHash.slice(0, 8)}`;
}

/** Removes the files a run refused for bad input created, and its out folder when this run made it and it is empty. */
function discardNewRun(out: string, outExisted: boolean): void {
  for (const name of [RESULTS_DATABASE_FILE, `${RESULTS_DATABASE_FILE}-wal`, `${RESULTS_DATABASE_FILE}-shm`, RESULTS_JSON_FILE]) rmSync(join(out, name), { force: true });
  if (outExisted) return;
  // The lock file is left in a folder others may already know; in a folder this run made it goes with the folder.
  for (const name of [RUN_LOCK_FILE, RUN_LOCK_OWNER_FILE]) rmSync(join(out, name), { force: true });
  if (readdirSync(out).length === 0) rmdirSync(out);
}

/** The command a user types to continue an interrupted run. */
export function resumeCommand(out: string): string {
  return `advbench run --resume ${/^[\w./:@-]+$/.test(out) ? out : JSON.stringify(out)}`;
}

/**
 * Executes a run: locks the out folder against a second process, checks it (a run already there with the same config hash is continued, cells it
 * finished are skipped; another config is refused), selects the backend, and runs the sweep in a child container
 * of the root (disposed in `finally`, with the store closed and every reporter closed). Resolves with the final
 * results whatever their status (`completed`, `failed` when cells failed, `interrupted`); throws for bad input
 * and for failures outside any plugin.
 */
export async function executeRun(spec: RunSpec, options: ExecuteRunOptions): Promise<RunResults> {
  const events = options.container ? options.container.resolve<EventBus>(Tokens.EventBus) : new EventBus('pending');
  const root = options.container ?? createRootContainer({ logger: options.logger, registry: options.registry, events });
  const unsubscribe = options.reporters.map((reporter) => events.subscribe((event) => reporter.onEvent?.(event)));
  let lock: RunLock | undefined;
  let store: ResultStore | undefined;
  const outExisted = existsSync(spec.out);
  let created = false;
  let discard = false;
  try {
    // Bad input is refused before the out folder is touched: an out path that is a file, unknown plugins or bad
    // options, a bad checkpoint.
    if (outExisted && !statSync(spec.out).isDirectory()) {
      throw inputError('ADVBENCH_ERR_OUT_NOT_FOLDER', `--out ${spec.out} names an existing file, not a folder: give a folder for the run's results (--out, or "out" in the config)`, { details: { out: spec.out } });
    }
    await resolveRunEntries(spec, options.registry, options.logger);
    if (spec.model.weights) await checkModelFolder(spec.model.weights, 'model.weights');
    lock = acquireRunLock(spec.out);
    const configHash = hashRunSpec(spec);
    const databaseExisted = existsSync(join(spec.out, RESULTS_DATABASE_FILE));
    if (options.resume && !databaseExisted) {
      throw inputError('ADVBENCH_ERR_RESUME_EMPTY', `--resume ${spec.out}: that folder holds no run to resume (no ${RESULTS_DATABASE_FILE})`, { details: { out: spec.out } });
    }
    const startedAt = new Date().toISOString();
    // A new database holds the spec from its first byte, so a run killed at any point can be resumed.
    store = openStore(spec.out, { runId: newRunId(startedAt, configHash), configHash, createdAt: startedAt, spec: JSON.parse(JSON.stringify(spec)) as Record<string, unknown> });
    created = !databaseExisted;
    const recorded = store.recordedSpec();
    const header = store.header();
    if (options.resume && !recorded) {
      throw inputError('ADVBENCH_ERR_RESUME_EMPTY', `--resume ${spec.out}: that folder holds no run to resume (its ${RESULTS_DATABASE_FILE} records no run)`, { details: { out: spec.out } });
    }
    if (recorded && recorded.configHash !== configHash) {
      throw inputError(
        'ADVBENCH_ERR_RESUME_CONFIG',
        `${spec.out} holds a run of another config (its hash ${recorded.configHash.slice(0, 12)}, this config's ${configHash.slice(0, 12)}): choose another --out, or resume that run with \`${resumeCommand(spec.out)}\``,
        { details: { out: spec.out, storedHash: recorded.configHash, configHash } },
      );
    }
    const runId = recorded?.runId ?? newRunId(startedAt, configHash);
    events.setRunId(runId);
    const services = options.services ?? (await loadRunServices());
    const backend = root.isRegistered(Tokens.Backend, true) ? root.resolve<Awaited<ReturnType<RunServices['selectBackend']>>>(Tokens.Backend) : await services.selectBackend(spec.backend, { logger: options.logger });
    if (!root.isRegistered(Tokens.Backend, true)) root.register(Tokens.Backend, { useValue: backend });
    const results = await runScope(
      root,
      {
        values: [
          [Tokens.RunSpec, spec],
          [Tokens.RunRandom, createRandom(spec.seed)],
          [Tokens.ResultStore, store],
          [Tokens.RunServices, services],
          [Tokens.Signal, options.signal],
        ],
      },
      (scope) => {
        const identity: RunIdentity = { runId, configHash, createdAt: recorded?.createdAt ?? startedAt, resumed: header !== undefined };
        return options.runner ? options.runner(scope, identity) : scope.resolve(SweepRunner).run(identity);
      },
    );
    if (results.status === 'interrupted') options.logger.warn(`run interrupted; resume it with: ${resumeCommand(spec.out)}`, { out: spec.out });
    return results;
  } catch (error) {
    // Bad input found before any cell ran: the new run's files go, so the folder is as it was before.
    discard = created && isAdvbenchError(error) && error.exitCode === EXIT_BAD_INPUT;
    throw error;
  } finally {
    store?.close();
    lock?.release();
    if (discard) discardNewRun(spec.out, outExisted);
    unsubscribe.forEach((stop) => stop());
    for (const reporter of options.reporters) {
      try {
        await reporter.close?.();
      } catch (error) {
        options.logger.warn(`a reporter failed to close: ${String(error)}`);
      }
    }
  }
}
