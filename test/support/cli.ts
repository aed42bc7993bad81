import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The built `advbench` bin (npm test builds before testing). */
export const advbenchBin = fileURLToPath(new URL('../../core/bin/advbench.js', import.meta.url));

/** Output of one CLI run. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `advbench` CLI as a real child process. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  if (!existsSync(fileURLToPath(new URL('../../core/dist/cli/main.js', import.meta.url)))) {
    throw new Error('core/dist is missing: build first (npm run build; npm test does it)');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [advbenchBin, ...args], { cwd: options.cwd ?? repositoryRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
