import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';

/** Flags of `advbench worker`. */
interface WorkerFlags {
  queue: string;
  concurrency: number;
  threads?: number;
  cache?: string;
  name?: string;
  stallSeconds: number;
  verbose?: boolean;
}

/**
 * `advbench worker --queue URL [--concurrency N] [--threads N] [--cache DIR]`: computes jobs of any run on the
 * queue (`advbench run --queue URL` coordinates a run) until stopped. Ctrl-C or SIGTERM finishes the running jobs
 * and stops; a second Ctrl-C stops at once (the queue gives the unfinished job to another worker).
 * Exit codes: 0 stopped, 2 bad or unreachable queue URL or flag.
 */
export function workerCommand(): Command {
  return new Command('worker')
    .description('compute jobs of runs on a BullMQ queue (train defenses, cells, shards) until stopped')
    .requiredOption('--queue <url>', 'the queue: redis://[user:password@]host:port[/db] or rediss://...')
    .option('--concurrency <n>', 'jobs this process runs at once', positiveInteger, 1)
    .option('--threads <n>', 'wasm (XNNPACK) threads; default: all available cores, 1 = the single-threaded build', positiveInteger)
    .option('--cache <dir>', "the shared model cache folder as this machine mounts it (default: each run's cacheDirectory)")
    .option('--name <name>', 'name shown in events and logs (default <host>-<pid>)')
    .option('--stall-seconds <s>', 'a job whose worker died is given to another after this many seconds', positiveNumber, 60)
    .option('--verbose', 'log debug detail')
    .addHelpText('after', '\nExit codes: 0 stopped, 2 bad or unreachable queue URL or flag.')
    .action(async (flags: WorkerFlags) => {
      const [{ parseQueueUrl }, { checkQueueReachable }, { startQueueWorker }, { createConsoleLogger }, { loadRunServices }, compute] = await Promise.all([
        import('../../queue/queue-url.js'),
        import('../../queue/queue-connection.js'),
        import('../../queue/queue-worker.js'),
        import('../../run/console-logger.js'),
        import('../../run/run-services.js'),
        import('../../compute/select-backend.js'),
      ]);
      const address = parseQueueUrl(flags.queue);
      await checkQueueReachable(address);
      const logger = createConsoleLogger({ verbose: flags.verbose });
      let backend: ReturnType<typeof compute.selectBackend> | undefined;
      const worker = await startQueueWorker({
        address,
        concurrency: flags.concurrency,
        name: flags.name,
        stallSeconds: flags.stallSeconds,
        logger,
        services: await loadRunServices(),
        // tfjs has one backend per process: the first run's choice holds (a run that needs another is refused by the code-version check).
        selectBackend: (spec) => (backend ??= compute.selectBackend(spec.backend, { threads: flags.threads, logger })),
        cacheDirectory: flags.cache === undefined ? undefined : resolve(flags.cache),
      });
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.once('SIGINT', () => process.exit(130));
          logger.warn(`worker ${worker.name}: finishing the running jobs, then stopping (Ctrl-C again to stop at once)`);
          void worker.close().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return parsed;
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return parsed;
}
