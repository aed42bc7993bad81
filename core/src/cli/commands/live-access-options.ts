import { InvalidArgumentError, type Command } from 'commander';
import type { LiveAccessFlags } from '../load-reports.js';

/** The parsed values of the options {@link addLiveAccessOptions} adds. */
export interface LiveAccessOptionValues {
  allowHost?: string[];
  allowOrigin?: string[];
  maxViewers?: number;
}

/** Adds `--allow-host`, `--allow-origin` and `--max-viewers` (the live server's access flags) to `command`. */
export function addLiveAccessOptions(command: Command): Command {
  return command
    .option('--allow-host <names>', 'comma-separated host names the live server answers besides loopback and the bound address (a proxy or DNS name)', list)
    .option('--allow-origin <origins>', 'comma-separated origins (https://host:port) whose pages may open the live websocket besides its own', list)
    .option('--max-viewers <n>', 'most live websocket viewers at once (default 128)', positiveInteger);
}

/** The {@link LiveAccessFlags} of parsed option values. */
export function liveAccessFrom(values: LiveAccessOptionValues): LiveAccessFlags {
  return { allowedHosts: values.allowHost, allowedOrigins: values.allowOrigin, maxViewers: values.maxViewers };
}

function list(value: string, previous: string[] | undefined): string[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  if (items.length === 0) throw new InvalidArgumentError('expected at least one name');
  return [...(previous ?? []), ...items];
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return parsed;
}
