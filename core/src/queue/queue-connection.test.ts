import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAdvbenchError } from '../plugin-api/errors.js';
import { checkQueueReachable, compareVersions, QUEUE_UNREACHABLE } from './queue-connection.js';
import { parseQueueUrl } from './queue-url.js';
import { freePort, startTestRedis, type TestRedisServer } from './testing/redis-server.js';

let server: TestRedisServer;
beforeAll(async () => {
  server = await startTestRedis({ password: 'p4ss word' });
});
afterAll(async () => server?.close());

async function refusal(url: string): Promise<{ code: string; exitCode: number; message: string }> {
  try {
    await checkQueueReachable(parseQueueUrl(url), { timeoutMs: 2000 });
  } catch (error) {
    if (!isAdvbenchError(error)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message };
  }
  throw new Error(`${url} was reachable`);
}

describe('checkQueueReachable', () => {
  it('answers with the server version when Redis is there and the password is right', async () => {
    const info = await checkQueueReachable(parseQueueUrl(server.url));
    expect(compareVersions(info.redisVersion, '6.2.0')).toBeGreaterThanOrEqual(0);
  });

  it('refuses, within the deadline and with exit code 2, a port nobody listens on and a wrong password', async () => {
    const started = Date.now();
    const nobody = await refusal(`redis://127.0.0.1:${await freePort()}`);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(nobody).toMatchObject({ code: QUEUE_UNREACHABLE, exitCode: 2 });
    expect(nobody.message).toMatch(/redis:\/\/127\.0\.0\.1:\d+: cannot reach Redis/);

    const wrong = await refusal(`redis://:not-it@127.0.0.1:${server.port}`);
    expect(wrong).toMatchObject({ code: QUEUE_UNREACHABLE, exitCode: 2 });
    expect(wrong.message).not.toContain('not-it');
    expect(wrong.message).toContain(`redis://:***@127.0.0.1:${server.port}`);
  });

  it('gives up on a server that accepts the connection but never answers, within the deadline', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await refusal(`redis://127.0.0.1:${port}`);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(error.code).toBe(QUEUE_UNREACHABLE);
      expect(error.message).toContain(`redis://127.0.0.1:${port}`);
    } finally {
      silent.close();
    }
  });
});

describe('compareVersions', () => {
  it('compares numerically', () => {
    expect(compareVersions('6.10.0', '6.2.0')).toBeGreaterThan(0);
    expect(compareVersions('6.2', '6.2.0')).toBe(0);
    expect(compareVersions('5.0.14', '6.2.0')).toBeLessThan(0);
  });
});
