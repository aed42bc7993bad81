import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `redis-server` started for a test, on a free loopback port. */
export interface TestRedisServer {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (with `user:password@` when started with a password). */
  readonly url: string;
  /** Stops it (SIGKILL when `hard`, as a crash would) and waits for it to exit. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Stops it (SIGKILL when `hard`) and starts it again on the same port and folder (a persistent one reloads its jobs). */
  restart(options?: { hard?: boolean }): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** Options of {@link startTestRedis}. */
export interface TestRedisOptions {
  /** Keep an append-only file (fsync always) in its temporary folder, so a restart keeps the jobs. */
  persistent?: boolean;
  /** Require this password (`requirepass`). */
  password?: string;
}

/** A port nobody listens on right now (asked from the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Debian's `redis-server` on a free loopback port with its working folder in a fresh temporary folder:
 * no RDB snapshots, and an append-only file only when `persistent` (removed by {@link TestRedisServer.close}),
 * so nothing is left behind. Resolves once it accepts connections.
 */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedisServer> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'advbench-redis-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', directory,
    '--save', '',
    '--appendonly', options.persistent ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--daemonize', 'no',
    // 'Ready to accept connections' is logged at the notice level.
    '--loglevel', 'notice',
    ...(options.password ? ['--requirepass', options.password] : []),
  ];
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', onData);
      started.on('error', (error) => reject(new Error(`redis-server could not start (apt-get install redis-server): ${error.message}`)));
      started.on('exit', (code) => reject(new Error(`redis-server exited with code ${code}:\n${output}`)));
    });
  };
  await launch();
  const stop = async ({ hard = false } = {}) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  const authority = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    url: `redis://${authority}127.0.0.1:${port}`,
    stop,
    restart: async (restartOptions) => {
      await stop(restartOptions);
      await launch();
    },
    close: async () => {
      await stop({ hard: true });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
