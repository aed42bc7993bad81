import { Redis, type RedisOptions } from 'ioredis';
import { inputError, isAdvbenchError } from '../plugin-api/errors.js';
import type { QueueAddress } from './queue-url.js';

/** Code of the error for a queue whose Redis cannot be reached (or refuses us). */
export const QUEUE_UNREACHABLE = 'ADVBENCH_ERR_QUEUE_UNREACHABLE';

/** The oldest Redis BullMQ is supported on (and the production floor). */
export const MINIMUM_REDIS_VERSION = '6.2.0';

/**
 * ioredis options for BullMQ's long-lived connections: reconnect forever with a capped back-off (a Redis that
 * restarts mid-run is waited for, not fatal) and `maxRetriesPerRequest: null` as BullMQ's workers require.
 */
export function redisOptions(address: QueueAddress): RedisOptions {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username === undefined ? {} : { username: address.username }),
    ...(address.password === undefined ? {} : { password: address.password }),
    ...(address.tls ? { tls: { servername: address.host } } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2000),
  };
}

/** What {@link checkQueueReachable} found. */
export interface QueueServerInfo {
  /** The server's Redis version. */
  redisVersion: string;
}

/**
 * Connects once to the queue's Redis, with a deadline, and checks it answers PING and runs Redis 6.2 or newer.
 * Anything else (refused, timed out, wrong password, bad db, old server) is refused as bad input (exit code 2)
 * naming the URL with its password redacted. Never hangs: one attempt, no reconnect, `timeoutMs` at most.
 */
export async function checkQueueReachable(address: QueueAddress, options: { timeoutMs?: number } = {}): Promise<QueueServerInfo> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const client = new Redis({ ...redisOptions(address), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // A failed connection also emits 'error'; without a listener ioredis prints it (we report it ourselves).
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const info = await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
        return client.info('server');
      })(),
      deadline,
    ]);
    const redisVersion = /redis_version:([^\r\n]+)/.exec(info)?.[1]?.trim() ?? '0.0.0';
    if (compareVersions(redisVersion, MINIMUM_REDIS_VERSION) < 0) {
      throw inputError(QUEUE_UNREACHABLE, `--queue ${address.display}: Redis ${redisVersion} is too old (BullMQ needs ${MINIMUM_REDIS_VERSION} or newer)`, { details: { url: address.display, redisVersion } });
    }
    return { redisVersion };
  } catch (error) {
    if (isAdvbenchError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw inputError(QUEUE_UNREACHABLE, `--queue ${address.display}: cannot reach Redis (${reason}); is redis-server running there, and are host, port, user and password right?`, { details: { url: address.display } });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Compares dotted version strings numerically (`6.10.0` > `6.2.0`). */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
