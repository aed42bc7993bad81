import { spawn, type ChildProcess } from 'node:child_process';
import { advbenchBin, repositoryRoot } from './cli.js';

/** A running `advbench` child process whose output lines are collected as they come. */
export interface ChildCli {
  /** The process. */
  child: ChildProcess;
  /** Every stdout and stderr line so far. */
  lines: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

/** Starts the built `advbench` CLI with `args` in a child process (it runs until it exits or is killed). */
export function startCli(args: string[]): ChildCli {
  const child = spawn(process.execPath, [advbenchBin, ...args], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  const collect = (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines, exit };
}

/** Waits until `predicate` holds, failing with the collected lines when `cli` exits first or after `timeoutMs`. */
export async function waitUntil(cli: ChildCli, predicate: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  let exited = false;
  void cli.exit.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (exited) throw new Error(`the process exited before ${what}:\n${cli.lines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${cli.lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops a child that may still run (SIGKILL) and waits for it. */
export async function stopCli(cli: ChildCli | undefined): Promise<void> {
  if (!cli || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  cli.child.kill('SIGKILL');
  await cli.exit;
}
