import { Command, InvalidArgumentError } from 'commander';
import type { ImageShape } from '../../plugin-api/index.js';
import { tableStyle } from '../colour-output.js';

/** Parses `--classes`: a positive integer. */
function classesValue(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return parsed;
}

/** Parses `--input HxWxC`, for example `224x224x3`. */
export function parseInputShape(value: string): ImageShape {
  const match = /^(\d+)x(\d+)x(\d+)$/.exec(value);
  const shape = match ? ([Number(match[1]), Number(match[2]), Number(match[3])] as ImageShape) : undefined;
  if (!shape || shape.some((side) => side < 1)) throw new InvalidArgumentError(`expected HxWxC with positive integers, for example 224x224x3, got "${value}"`);
  return shape;
}

/** Flags of `advbench models describe`. */
interface DescribeFlags {
  classes?: number;
  input?: ImageShape;
  weights?: string;
  json?: boolean;
}

/** `advbench models list`, `advbench models describe <name>` and `advbench models import <file>`: the model zoo. */
export function modelsCommand(): Command {
  const models = new Command('models').description('list and describe the model zoo');
  models
    .command('list')
    .description('list the architectures of the zoo')
    .option('--json', 'print only JSON on stdout')
    .action(async (flags: { json?: boolean }) => {
      const { listModels } = await import('../../models/zoo/model-zoo.js');
      const rows = listModels().map((entry) => ({
        name: entry.name,
        description: entry.description,
        defaultInputShape: entry.defaultInputShape,
        defaultClasses: entry.defaultClasses,
      }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const { default: Table } = await import('cli-table3');
      const table = new Table({ head: ['name', 'input', 'classes', 'description'], wordWrap: true, colWidths: [14, 11, 9, 70] , style: tableStyle() });
      for (const row of rows) table.push([row.name, row.defaultInputShape.join('x'), row.defaultClasses, row.description]);
      process.stdout.write(`${table.toString()}\n`);
    });
  models
    .command('describe')
    .description('build an architecture (no initializers run) and print its parameter count, input shape and layer count')
    .argument('<name>', 'zoo name, for example resnet20 or resnet152')
    .option('--classes <n>', 'classes of the head (default: 1000 for resnet50/101/152, else 10)', classesValue)
    .option('--input <HxWxC>', 'input shape, for example 32x32x3 (default: the architecture\'s)', parseInputShape)
    .option('--weights <folder>', 'also load this tfjs layers-format weights folder, checking every layer\'s shapes')
    .option('--json', 'print only JSON on stdout')
    .action(async (name: string, flags: DescribeFlags) => {
      const [{ selectBackend }, { describeModel, formatModelDescription }] = await Promise.all([
        import('../../compute/select-backend.js'),
        import('../../models/describe-model.js'),
      ]);
      await selectBackend('cpu');
      const description = await describeModel(name, { classes: flags.classes, inputShape: flags.input, weights: flags.weights });
      process.stdout.write(flags.json ? `${JSON.stringify(description, null, 2)}\n` : `${formatModelDescription(description)}\n`);
    });
  models
    .command('import')
    .description('import a torchvision ResNet state_dict (.safetensors) into a tv-* zoo model and save it as a --weights folder')
    .argument('<file>', 'the state_dict as .safetensors (safetensors.torch.save_file(model.state_dict(), path))')
    .requiredOption('--architecture <name>', 'tv-resnet18, tv-resnet34, tv-resnet50, tv-resnet101, tv-resnet152 or tv-wide-resnet50-2')
    .requiredOption('--out <folder>', 'checkpoint folder to write (tfjs layers format; replaced atomically)')
    .option('--input <HxWxC>', 'input shape the saved model declares (default 224x224x3; use the run\'s crop)', parseInputShape)
    .option('--json', 'print only JSON on stdout')
    .action(async (file: string, flags: { architecture: string; out: string; input?: ImageShape; json?: boolean }) => {
      const [{ selectBackend }, { importTorchvision }] = await Promise.all([
        import('../../compute/select-backend.js'),
        import('../../models/import/import-torchvision.js'),
      ]);
      await selectBackend('cpu');
      const summary = await importTorchvision(file, { architecture: flags.architecture, out: flags.out, inputShape: flags.input });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `imported ${summary.tensors} tensors of ${summary.file} into ${summary.architecture} (${summary.parameters} parameters, ` +
          `${summary.classes} classes, input ${summary.inputShape.join('x')}): ${summary.out}\n`,
      );
    });
  return models;
}
