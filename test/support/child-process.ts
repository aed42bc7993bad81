import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
const repository = fileURLToPath(new URL('../../', import.meta.url));

/** A child process running a TypeScript ES module snippet through tsx, with its output collected. */
export interface TypeScriptChild {
  /** The process. */
  child: ChildProcess;
  /** Everything it wrote (stdout and stderr), so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** Resolves once the output contains `text`; rejects when the process exits first. */
  waitFor(text: string): Promise<void>;
}

/** Starts `node --import tsx` on an inline ES module (`script`), in the repository root, stdin piped. */
export function startTypeScript(script: string, options: { env?: NodeJS.ProcessEnv } = {}): TypeScriptChild {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repository,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.includes(text)) {
          listeners.delete(check);
          resolve();
        }
      };
      listeners.add(check);
      check();
      void exit.then((code) => {
        if (!output.includes(text)) reject(new Error(`child exited (${code}) before printing ${JSON.stringify(text)}:\n${output}`));
      });
    });
  return { child, output: () => output, exit, waitFor };
}

/** The absolute path of a repository file, for `import()` in a child's script. */
export function repositoryFile(path: string): string {
  return fileURLToPath(new URL(path, new URL(`file://${repository}`)));
}
