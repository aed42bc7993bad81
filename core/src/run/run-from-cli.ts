import { join, resolve } from 'node:path';
import { loadReports } from '../cli/load-reports.js';
import { loadRunSpec } from '../config/load-run-spec.js';
import type { BackendChoice, RunSpec } from '../config/run-spec.js';
import type { Reporter } from '../events/event-bus.js';
import { AdvbenchError, inputError, type Logger } from '../plugin-api/index.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { loadRecordedSpec } from '../store/results-json.js';
import type { RunResults } from '../store/result-types.js';
import { executeRun, resumeCommand, type ExecuteRunOptions } from './execute-run.js';
import { recordedSeedSpec, runSeeds, seedSpec, type SeedRunner } from './run-seeds.js';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT, the shell convention). */
export const EXIT_INTERRUPTED = 130;

/** The flags of `advbench run`. */
export interface RunFlags {
  config?: string;
  preset?: string;
  out?: string;
  seed?: number;
  /** `--seeds 0,1,2`: run the sweep once per seed into `<out>/seed-<n>/` with a top-level summary. */
  seeds?: number[];
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
    const clashing = (['config', 'preset', 'out', 'seed', 'seeds', 'backend', 'dataset', 'trainSamples', 'testSamples', 'model', 'weights', 'epsilons'] as const).filter((key) => flags[key] !== undefined);
    if (clashing.length > 0) {
      throw inputError('ADVBENCH_ERR_RESUME_FLAGS', `--resume continues the run stored in ${flags.resume} with its own config; drop ${clashing.map((key) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(', ')}`, {
        details: { flags: clashing },
      });
    }
    const out = resolve(cwd, flags.resume);
    const stored = (await recordedSeedSpec(out)) ?? (await loadRecordedSpec(out));
    return { ...(stored as unknown as RunSpec), out };
  }
  return loadRunSpec({ configPath: flags.config, preset: flags.preset, overrides: { out: flags.out, seed: flags.seed, seeds: flags.seeds, backend: flags.backend, dataset: flags.dataset, trainSamples: flags.trainSamples, testSamples: flags.testSamples, model: flags.model, weights: flags.weights, epsilons: flags.epsilons }, cwd });
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
  if (flags.seed !== undefined && flags.seeds !== undefined) {
    throw inputError('ADVBENCH_ERR_FLAG_VALUE', '--seed and --seeds both set the master seed: give one of them', { details: { flags: ['--seed', '--seeds'] } });
  }
  const loaded = await specFromFlags(flags, environment.cwd);
  const registry = await PluginRegistry.create({ extraReferences: loaded.plugins, cwd: environment.cwd });
  const resume = flags.resume !== undefined;
  if (loaded.seeds !== undefined && loaded.seeds.length > 1) {
    const { runs } = await runSeedsFromCli(loaded, async (spec, resumeSeed) => executeRun(spec, { registry, reporters: await environment.createReporters(spec), resume: resumeSeed, signal: environment.signal, logger: environment.logger, runner }), resume, flags.json === true);
    for (const results of runs) checkFinished(results, results.config.out as string);
    return runs[runs.length - 1];
  }
  // One seed in `seeds` is an ordinary run with that seed.
  const spec = loaded.seeds !== undefined ? seedSpec(loaded, loaded.seeds[0]) : loaded;
  if (loaded.seeds !== undefined) spec.out = loaded.out;
  const reporters = await environment.createReporters(spec);
  const results = await executeRun(spec, { registry, reporters, resume, signal: environment.signal, logger: environment.logger, runner });
  checkFinished(results, spec.out);
  return results;
}

/** Throws the run command's error for an interrupted run (exit 130) or one with failed cells (exit 1). */
function checkFinished(results: RunResults, out: string): void {
  if (results.status === 'interrupted') {
    throw new AdvbenchError('ADVBENCH_ERR_INTERRUPTED', `run interrupted; finished cells are saved in ${out}. Resume with: ${resumeCommand(out)}`, {
      exitCode: EXIT_INTERRUPTED,
      details: { out: out },
    });
  }
  const failed = results.cells.filter((cell) => cell.status === 'failed');
  if (failed.length > 0) {
    throw new AdvbenchError('ADVBENCH_ERR_CELLS_FAILED', `${failed.length} of ${results.cells.length} cells failed (first: ${failed[0].error ?? failed[0].id}); results in ${out}`, {
      details: { out: out, failed: failed.map((cell) => cell.id) },
    });
  }
}

/** `--seeds`: every seed's run, then the top-level report.html and the multi-seed leaderboard on stderr. */
async function runSeedsFromCli(spec: RunSpec, run: SeedRunner['run'], resume: boolean, json: boolean): Promise<{ runs: RunResults[] }> {
  const { summary, runs } = await runSeeds(spec, { run }, resume);
  const reports = await loadReports();
  await reports.writeFileAtomic(join(spec.out, 'report.html'), reports.renderSeedReport(summary));
  if (!json) process.stderr.write(`${reports.seedLeaderboardText(summary)}advbench: multi-seed summary in ${spec.out}/results.json and ${spec.out}/report.html\n`);
  return { runs };
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
