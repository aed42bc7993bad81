import { Command, InvalidArgumentError } from 'commander';
import type { LiveAccessFlags, LiveServerHandle } from '../load-reports.js';
import { addLiveAccessOptions, liveAccessFrom, type LiveAccessOptionValues } from './live-access-options.js';

/** Options of {@link serveRun}. */
export interface ServeRunOptions extends LiveAccessFlags {
  /** The run's out folder. */
  out: string;
  /** Port (0 picks a free one). */
  port: number;
  /** Address to bind (default 127.0.0.1; anything else requires a token). */
  host?: string;
  /** Token for a non-loopback host (generated when absent). */
  token?: string;
  /** How often to re-read a running run's results, in ms (default 1000). */
  pollMs?: number;
}

/** A served run. */
export interface ServedRun {
  /** The live server. */
  server: LiveServerHandle;
  /** Stops polling and serving. */
  close(): Promise<void>;
}

/** A cheap fingerprint of results, to notice changes between polls. */
function fingerprint(results: { status: string; updatedAt: string; cells: Array<{ status: string }> }): string {
  return `${results.status}|${results.updatedAt}|${results.cells.map((cell) => cell.status[0]).join('')}`;
}

/**
 * Serves the viewer of the run in `out` from its stored results. A finished run shows its final state; a running
 * one is re-read every `pollMs` and every client gets a fresh snapshot when it changed.
 */
export async function serveRun(options: ServeRunOptions): Promise<ServedRun> {
  const { resolve } = await import('node:path');
  const { loadRunResults } = await import('../../store/results-json.js');
  const { loadReports } = await import('../load-reports.js');
  const out = resolve(options.out);
  const [initial, reports] = await Promise.all([loadRunResults(out), loadReports()]);
  const server = await reports.startLiveServer({
    port: options.port,
    host: options.host,
    token: options.token,
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins,
    maxViewers: options.maxViewers,
    snapshot: () => initial,
  });
  let last = fingerprint(initial);
  let polling = false;
  const timer =
    initial.status === 'running'
      ? setInterval(() => {
          if (polling) return;
          polling = true;
          loadRunResults(out)
            .then((results) => {
              const current = fingerprint(results);
              if (current !== last) {
                last = current;
                server.replaceResults(results);
              }
              if (results.status !== 'running') clearInterval(timer);
            })
            .catch(() => {
              // A read racing a write: try again at the next tick.
            })
            .finally(() => {
              polling = false;
            });
        }, options.pollMs ?? 1_000)
      : undefined;
  return {
    server,
    async close() {
      if (timer !== undefined) clearInterval(timer);
      await server.close();
    },
  };
}

/** Parses a port number flag. */
function port(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > 65535) throw new InvalidArgumentError(`expected a port 0..65535, got "${value}"`);
  return parsed;
}

/** `advbench serve <out> [--port N] [--host H] [--token T]`: the live viewer of a finished or running run. */
export function serveCommand(): Command {
  const command = new Command('serve')
    .description('serve the live viewer of a finished or running run from its results (Ctrl-C to stop)')
    .argument('<out>', 'the run\'s out folder')
    .option('--port <n>', 'port (0 picks a free one)', port, 4173)
    .option('--host <host>', 'address to listen on; anything but loopback requires the printed token', '127.0.0.1')
    .option('--token <token>', 'the token clients must send when not on loopback (default: a random one)');
  return addLiveAccessOptions(command)
    .action(async (out: string, flags: { port: number; host: string; token?: string } & LiveAccessOptionValues) => {
      const served = await serveRun({ out, port: flags.port, host: flags.host, token: flags.token, ...liveAccessFrom(flags) });
      process.stderr.write(`advbench: viewer at ${served.server.url} (Ctrl-C to stop)\n`);
      if (served.server.token !== undefined) process.stderr.write(`advbench: listening on ${flags.host}; clients must send ?token=${served.server.token}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await served.close();
    });
}
