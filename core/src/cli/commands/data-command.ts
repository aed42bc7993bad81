import { Command, InvalidArgumentError } from 'commander';

/** Parses a positive integer flag value. */
function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return parsed;
}

/** Parses a non-negative integer flag value (a seed). */
function seedValue(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return parsed;
}

/** Flags of `advbench data describe`. */
interface DescribeFlags {
  json?: boolean;
  trainSamples?: number;
  testSamples?: number;
  seed: number;
  verify: boolean;
  resize?: number;
  crop?: number;
  classIndex?: string;
}

/** `advbench data describe <dataset> [--json]`: counts, shape, classes and checksum status of a dataset. */
export function dataCommand(): Command {
  const data = new Command('data').description('inspect datasets');
  data
    .command('describe')
    .description('open a dataset (checking its files) and print its name, counts, input shape, classes and checksum status')
    .argument('<dataset>', 'fashion-mnist, idx:<folder>, cifar10:<folder>, imagefolder:<folder> or imagenet:<folder>')
    .option('--json', 'print only JSON on stdout')
    .option('--train-samples <n>', 'stratified subset of the training images', positiveInteger)
    .option('--test-samples <n>', 'stratified subset of the test images', positiveInteger)
    .option('--seed <n>', 'seed of the subset choice', seedValue, 0)
    .option('--no-verify', 'skip checking the files against known checksums')
    .option('--resize <n>', 'imagefolder, imagenet: resize the shorter side to n (default 256)', positiveInteger)
    .option('--crop <n>', 'imagefolder, imagenet: centre-crop size (default 224)', positiveInteger)
    .option('--class-index <file>', 'imagefolder: class-index JSON (default: sorted class folder names)')
    .action(async (reference: string, flags: DescribeFlags) => {
      const { describeDataset, formatDatasetDescription } = await import('../../data/describe-dataset.js');
      const description = await describeDataset(
        {
          reference,
          trainSamples: flags.trainSamples,
          testSamples: flags.testSamples,
          resize: flags.resize,
          crop: flags.crop,
          classIndex: flags.classIndex,
        },
        { seed: flags.seed, verify: flags.verify },
      );
      process.stdout.write(flags.json ? `${JSON.stringify(description, null, 2)}\n` : `${formatDatasetDescription(description)}\n`);
    });
  return data;
}
