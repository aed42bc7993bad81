import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { commandFactories } from './command-list.js';

/** advbench's version, from core's package.json. */
export const ADVBENCH_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Builds the `advbench` command with every subcommand. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('advbench')
    .description('Reproducible, self-checking leaderboards of defenses against adversarial attacks on image classifiers.')
    .version(ADVBENCH_VERSION, '-V, --version', 'print the advbench version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nExit codes: 0 success, 1 failure, 2 bad input (config, plugin, dataset, checkpoint, flag).\nDocs: README.md');
  for (const factory of commandFactories) program.addCommand(await factory());
  return program;
}
