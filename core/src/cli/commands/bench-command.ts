import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../../config/run-spec.js';

const BACKENDS: BackendChoice[] = [...BACKEND_CHOICES];

/** Parses a non-negative integer flag value. */
function integerValue(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  }
  return parsed;
}

/** Flags of `advbench bench`. */
interface BenchFlags {
  model: string;
  classes: number;
  batch: number;
  width: number;
  size: number;
  channels: number;
  backend: BackendChoice;
  warmup: number;
  repeat: number;
  threads?: number;
  json?: boolean;
}

/**
 * `advbench bench [--json] [--model M] [--batch N] [--width W] [--size S] [--channels C] [--classes K] [--backend B]`:
 * times a zoo model's (bench-resnet by default) forward pass, input gradient (a PGD step) and SGD training step
 * on the chosen backend, like the PyTorch peer `shared/peer/torch_bench.py` (which takes the same `--model
 * resnet50|resnet152`; see scripts/bench-vs-torch.mjs for the side-by-side run).
 */
export function benchCommand(): Command {
  return new Command('bench')
    .description('time a zoo model (bench-resnet by default): forward, input gradient (PGD step) and training step (median ms), like the PyTorch peer')
    .option('--model <name>', 'zoo model (advbench models list), e.g. resnet20, resnet50, resnet152', 'bench-resnet')
    .option('--batch <n>', 'examples per batch', integerValue, 32)
    .option('--width <w>', 'bench-resnet width (bench-resnet only)', integerValue, 8)
    .option('--size <s>', 'image side', integerValue, 28)
    .option('--channels <c>', 'image channels (the ImageNet ResNets take 3)', integerValue, 1)
    .option('--classes <k>', 'classes of the head', integerValue, 10)
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS).default('auto'))
    .option('--warmup <n>', 'untimed runs first', integerValue, 3)
    .option('--repeat <n>', 'timed runs (the median is printed)', integerValue, 10)
    .option('--threads <n>', 'wasm (XNNPACK) threads; default: all available cores, 1 = the single-threaded build', integerValue)
    .option('--json', 'print only one JSON object on stdout')
    .action(async (flags: BenchFlags) => {
      const [{ runBench }, { formatBench }] = await Promise.all([import('../../compute/bench/run-bench.js'), import('../../compute/bench/format-bench.js')]);
      const result = await runBench({
        model: flags.model,
        classes: flags.classes,
        batch: flags.batch,
        width: flags.width,
        size: flags.size,
        channels: flags.channels,
        backend: flags.backend,
        warmup: flags.warmup,
        repeat: flags.repeat,
        threads: flags.threads,
        logger: flags.json ? undefined : { debug: () => undefined, info: (message) => process.stderr.write(`${message}\n`), warn: (message) => process.stderr.write(`warning: ${message}\n`) },
      });
      process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `${formatBench(result)}\n`);
    });
}
