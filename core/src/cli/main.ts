import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { EXIT_BAD_INPUT, EXIT_FAILURE, isAdvbenchError } from '../plugin-api/index.js';
import { buildProgram } from './program.js';

function applyToAll(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const child of command.commands) applyToAll(child, apply);
}

/** Formats any thrown value as the one error line the user sees (plus the cause chain with --verbose). */
export function formatError(error: unknown, verbose = false): string {
  if (isAdvbenchError(error)) {
    let text = `advbench: error [${error.code}] ${error.message}`;
    let cause = error.cause;
    while (verbose && cause) {
      text += `\n  caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    return text;
  }
  const message = error instanceof Error ? (verbose ? (error.stack ?? error.message) : error.message) : String(error);
  return `advbench: error ${message}`;
}

/**
 * Runs the CLI and returns the exit code: 0 success, 2 bad input (AdvbenchError with exitCode 2, and usage
 * errors such as unknown flags), 1 anything else. Never calls process.exit itself.
 */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose') || process.env.ADVBENCH_VERBOSE === '1';
  try {
    const program = await buildProgram();
    applyToAll(program, (command) => command.exitOverride());
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' || error.exitCode === 0) return 0;
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`${formatError(error, verbose)}\n`);
    return isAdvbenchError(error) ? error.exitCode : EXIT_FAILURE;
  }
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv);
}
