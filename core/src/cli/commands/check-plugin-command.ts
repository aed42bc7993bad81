import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../../config/run-spec.js';
import { inputError } from '../../plugin-api/errors.js';

/** Flags of `advbench check-plugin`. */
interface CheckPluginFlags {
  json?: boolean;
  options?: string;
  seed?: number;
  backend?: BackendChoice;
  model?: string;
  timeout?: number;
}

/**
 * `advbench check-plugin <reference>`: runs the plugin conformance checks in the test kit.
 * Exit codes: 0 every check passed (warnings allowed), 1 some check failed (listed), 2 the plugin cannot be loaded
 * or a flag is wrong.
 */
export function checkPluginCommand(): Command {
  return new Command('check-plugin')
    .description('check a plugin (path, package name or built-in id) against the plugin contract, on a slice of Fashion-MNIST')
    .argument('<plugin>', 'plugin reference: a folder or file path, an npm package name, or a built-in id')
    .option('--options <json>', 'raw plugin options to check with, as JSON (default: {})')
    .option('--seed <n>', 'seed of the test kit', parseInteger, 0)
    .addOption(new Option('--backend <name>', 'compute backend').choices([...BACKEND_CHOICES]).default('auto'))
    .option('--model <name>', 'architecture of context.models: tiny-mlp (default) or a zoo name')
    .option('--timeout <seconds>', 'seconds prepare and one attack run may take', parseInteger, 600)
    .option('--json', 'print only the JSON report on stdout')
    .addHelpText('after', '\nExit codes: 0 all checks passed, 1 some check failed (each says what was expected and seen), 2 the plugin cannot be loaded or bad flags.')
    .action(async (reference: string, flags: CheckPluginFlags) => {
      const options = flags.options === undefined ? undefined : parseOptionsFlag(flags.options);
      const { checkPluginReference, formatCheckReport } = await import('../../conformance/index.js');
      if (!flags.json) process.stderr.write(`advbench: checking ${reference} (creates, trains and attacks it on the test kit's data)\n`);
      const report = await checkPluginReference(reference, {
        cwd: process.cwd(),
        options,
        timeoutSeconds: flags.timeout,
        kit: { seed: flags.seed, backend: flags.backend, model: flags.model },
        onResult: flags.json ? undefined : (result) => process.stderr.write(`advbench: ${result.status} ${result.check}\n`),
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCheckReport(report)}\n`);
      if (!report.passed) process.exitCode = 1;
    });
}

function parseOptionsFlag(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw inputError('ADVBENCH_ERR_FLAG_VALUE', `--options: not valid JSON (${(error as Error).message}): ${text}`, { details: { flag: '--options' } });
  }
}

function parseInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`expected a non-negative integer, got ${JSON.stringify(value)}`);
  return parsed;
}
