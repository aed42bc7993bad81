import { resolve } from 'node:path';
import { loadRunSpec } from '../config/load-run-spec.js';
import type { BackendChoice, RunSpec } from '../config/run-spec.js';
import type { Reporter } from '../events/event-bus.js';
import { AdvbenchError, inputError, type Logger } from '../plugin-api/index.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { loadRecordedSpec } from '../store/results-json.js';
import type { RunResults } from '../store/result-types.js';
import { executeRun, resumeCommand, type ExecuteRunOptions } from './execute-run.js';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT, the shell convention). */
export const EXIT_INTERRUPTED = 130;

/** The flags of `advbench run`. */
export interface RunFlags {
  config?: string;
  preset?: string;
  out?: string;
  seed?: number;
  backend?: BackendChoice;
  resume?: string;
  json?: boolean;
  dataset?: string;
  trainSamples?: number;
  testSamples?: number;
  model?: string;
  weights?: string;
  epsilons?: number[];
  /** `--queue redis://...`: coordinate the run on this BullMQ queue instead of computing it here. */
  queue?: string;
  /** `--shard-size N`: test examples per cell job on the queue (0: one job per cell). */
  shardSize?: number;
}

/** What {@link runFromCli} needs from its caller. */
export interface RunCliEnvironment {
  /** Folder relative paths resolve from. */
  cwd: string;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** The process logger. */
  logger: Logger;
  /** Creates the reporters to attach, once the spec (and so the out folder) is known. */
  createReporters(spec: RunSpec): Promise<Reporter[]> | Reporter[];
}

/**
 * The spec of `advbench run`: from `--resume <out>` (the config stored with the run, unchanged) or from the
 * config file, preset and flags. `--resume` refuses config flags, which would change the run it continues.
 */
export async function specFromFlags(flags: RunFlags, cwd: string): Promise<RunSpec> {
  if (flags.resume !== undefined) {
    const clashing = (['config', 'preset', 'out', 'seed', 'backend', 'dataset', 'trainSamples', 'testSamples', 'model', 'weights', 'epsilons'] as const).filter((key) => flags[key] !== undefined);
    if (clashing.length > 0) {
      throw inputError('ADVBENCH_ERR_RESUME_FLAGS', `--resume continues the run stored in ${flags.resume} with its own config; drop ${clashing.map((key) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(', ')}`, {
        details: { flags: clashing },
      });
    }
    const out = resolve(cwd, flags.resume);
    const stored = await loadRecordedSpec(out);
    return { ...(stored as unknown as RunSpec), out };
  }
  return loadRunSpec({ configPath: flags.config, preset: flags.preset, overrides: { out: flags.out, seed: flags.seed, backend: flags.backend, dataset: flags.dataset, trainSamples: flags.trainSamples, testSamples: flags.testSamples, model: flags.model, weights: flags.weights, epsilons: flags.epsilons }, cwd });
}

/**
 * `advbench run` without the commander layer: builds the spec, the registry, runs, and turns the outcome into
 * the command's result. Resolves with the results when every cell is done; throws an {@link AdvbenchError} with
 * exit code 1 when cells failed and {@link EXIT_INTERRUPTED} when interrupted (both after the results are saved),
 * and exit code 2 for bad input.
 */
export async function runFromCli(flags: RunFlags, environment: RunCliEnvironment): Promise<RunResults> {
  if (flags.queue === undefined && flags.shardSize !== undefined) {
    throw inputError('ADVBENCH_ERR_FLAG_VALUE', '--shard-size splits cells into queue jobs: it needs --queue', { details: { flag: '--shard-size' } });
  }
  // A bad or unreachable queue is refused before anything is read or written.
  const runner = flags.queue === undefined ? undefined : await queueRunner(flags.queue, flags.shardSize ?? 0, environment.cwd);
  const spec = await specFromFlags(flags, environment.cwd);
  const registry = await PluginRegistry.create({ extraReferences: spec.plugins, cwd: environment.cwd });
  const reporters = await environment.createReporters(spec);
  const results = await executeRun(spec, { registry, reporters, resume: flags.resume !== undefined, signal: environment.signal, logger: environment.logger, runner });
  if (results.status === 'interrupted') {
    throw new AdvbenchError('ADVBENCH_ERR_INTERRUPTED', `run interrupted; finished cells are saved in ${spec.out}. Resume with: ${resumeCommand(spec.out)}`, {
      exitCode: EXIT_INTERRUPTED,
      details: { out: spec.out },
    });
  }
  const failed = results.cells.filter((cell) => cell.status === 'failed');
  if (failed.length > 0) {
    throw new AdvbenchError('ADVBENCH_ERR_CELLS_FAILED', `${failed.length} of ${results.cells.length} cells failed (first: ${failed[0].error ?? failed[0].id}); results in ${spec.out}`, {
      details: { out: spec.out, failed: failed.map((cell) => cell.id) },
    });
  }
  return results;
}

/** The runner of `run --queue`: checks the URL and that its Redis answers, then coordinates on it. */
async function queueRunner(url: string, shardSize: number, cwd: string): Promise<NonNullable<ExecuteRunOptions['runner']>> {
  if (!Number.isInteger(shardSize) || shardSize < 0) {
    throw inputError('ADVBENCH_ERR_FLAG_VALUE', `--shard-size: expected a non-negative integer, got ${shardSize}`, { details: { flag: '--shard-size' } });
  }
  const [{ parseQueueUrl }, { checkQueueReachable }, { QueueCoordinator }] = await Promise.all([
    import('../queue/queue-url.js'),
    import('../queue/queue-connection.js'),
    import('../queue/queue-coordinator.js'),
  ]);
  const address = parseQueueUrl(url);
  await checkQueueReachable(address);
  return (scope, identity) => QueueCoordinator.fromScope(scope, { address, shardSize, cwd }).run(identity);
}
