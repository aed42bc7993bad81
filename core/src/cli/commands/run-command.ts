import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../../config/run-spec.js';
import { parseEpsilonList } from '../../config/parse-epsilon.js';
import { inputError } from '../../plugin-api/errors.js';
import type { RunFlags } from '../../run/run-from-cli.js';
import { addLiveAccessOptions, liveAccessFrom, type LiveAccessOptionValues } from './live-access-options.js';

const BACKENDS: BackendChoice[] = [...BACKEND_CHOICES];

/**
 * `advbench run`: runs (or resumes) a sweep and prints where the results are.
 * Exit codes: 0 every cell done; 1 some cells failed (the rest are saved); 2 bad input; 130 interrupted by
 * Ctrl-C (finished cells are saved; `advbench run --resume <out>` continues).
 */
export function runCommand(): Command {
  const command = new Command('run')
    .description('run a sweep of defenses x attacks x surfaces x epsilons (re-running into the same --out resumes it)')
    .option('--config <file>', 'JSON config file')
    .option('--preset <name>', 'preset to start from: smoke, quick (default) or paper')
    .option('--out <dir>', 'output folder (default runs/<preset>-<config hash>)')
    .option('--seed <n>', 'master seed, an integer in [0, 2^32 - 1]', parseSeed)
    .option('--seeds <list>', 'run the sweep once per seed (comma-separated, e.g. 0,1,2) into <out>/seed-<n>/ with a mean ± sd summary in <out>', parseSeeds)
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS))
    .option('--dataset <reference>', 'dataset: fashion-mnist, idx:<folder>, cifar10:<folder>, imagefolder:<folder>, imagenet:<folder>')
    .option('--train-samples <n>', 'training examples to use (stratified, seeded)', parseCount)
    .option('--test-samples <n>', 'test examples to evaluate (stratified, seeded)', parseCount)
    .option('--model <name>', 'zoo model (advbench models list)')
    .option('--weights <folder>', 'pretrained tfjs layers-format weights for the model')
    .option('--epsilons <list>', 'comma-separated budgets on the [0, 1] scale, e.g. 0,2/255,8/255', parseEpsilons)
    .option('--resume <dir>', 'continue the run stored in this out folder, with its own config')
    .option('--queue <url>', 'coordinate the run on a BullMQ queue: redis://[user:password@]host:port[/db] or rediss://; `advbench worker` processes compute it')
    .option('--shard-size <n>', 'with --queue: test examples per cell job (default 0: one job per cell)', parseShardSize)
    .option('--live [port]', 'serve a live view of the run over HTTP/websocket (default port 4173)')
    .option('--host <host>', 'host the live view listens on', '127.0.0.1');
  return addLiveAccessOptions(command)
    .option('--json', 'print only a JSON summary on stdout')
    .option('--verbose', 'log debug detail')
    .addHelpText('after', '\nExit codes: 0 all cells done, 1 some cells failed, 2 bad input, 130 interrupted (resume with --resume <out>).')
    .action(async (flags: RunFlags & LiveAccessOptionValues & { verbose?: boolean; live?: string | boolean; host?: string }) => {
      const { runFromCli } = await import('../../run/run-from-cli.js');
      const { createConsoleLogger } = await import('../../run/console-logger.js');
      const { reportersFor } = await import('../../run/run-reporters.js');
      const logger = createConsoleLogger({ verbose: flags.verbose });
      const livePort = flags.live === undefined ? undefined : typeof flags.live === 'string' ? parsePort(flags.live) : DEFAULT_LIVE_PORT;
      const controller = new AbortController();
      const onInterrupt = () => {
        process.off('SIGINT', onInterrupt);
        logger.warn('stopping after the current batch (Ctrl-C again to quit at once)');
        controller.abort();
      };
      process.on('SIGINT', onInterrupt);
      try {
        const results = await runFromCli(flags, { cwd: process.cwd(), signal: controller.signal, logger, createReporters: (spec) => reportersFor(spec, { livePort, liveHost: flags.host, liveAccess: liveAccessFrom(flags), logger }) });
        const out = results.config.out as string;
        if (flags.json) {
          const done = results.cells.filter((cell) => cell.status === 'done').length;
          process.stdout.write(`${JSON.stringify({ out, runId: results.runId, status: results.status, cells: results.cells.length, done, results: `${out}/results.json` })}\n`);
        } else {
          process.stderr.write(`advbench: results in ${out}/results.json and ${out}/results.sqlite\n`);
        }
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    });
}

/** Port of `--live` without a value. */
const DEFAULT_LIVE_PORT = 4173;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw inputError('ADVBENCH_ERR_FLAG_VALUE', `--live: expected a port in [0, 65535], got ${JSON.stringify(value)}`, { details: { flag: '--live' } });
  }
  return port;
}

/** Commander prints these as `option '--seed <n>' argument '...' is invalid. <message>`: the flag is named. */
function parseInteger(value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed)) throw new InvalidArgumentError(`expected an integer, got ${JSON.stringify(value)}`);
  if (parsed < min || parsed > max) throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got ${value}`);
  return parsed;
}

function parseSeed(value: string): number {
  return parseInteger(value, 0, 2 ** 32 - 1);
}

function parseSeeds(value: string): number[] {
  const seeds = value.split(',').map((part) => parseSeed(part.trim()));
  const repeated = seeds.find((seed, index) => seeds.indexOf(seed) !== index);
  if (repeated !== undefined) throw new InvalidArgumentError(`seed ${repeated} is listed twice`);
  return seeds;
}

function parseCount(value: string): number {
  return parseInteger(value, 1, Number.MAX_SAFE_INTEGER);
}

function parseShardSize(value: string): number {
  return parseInteger(value, 0, Number.MAX_SAFE_INTEGER);
}

function parseEpsilons(value: string): number[] {
  return parseEpsilonList(value, '--epsilons');
}
