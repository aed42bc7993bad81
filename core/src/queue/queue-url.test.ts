import { describe, expect, it } from 'vitest';
import { isAdvbenchError } from '../plugin-api/errors.js';
import { parseQueueUrl, QUEUE_URL_INVALID, redactQueueUrl } from './queue-url.js';

function refusal(text: string): { code: string; exitCode: number; message: string } {
  try {
    parseQueueUrl(text);
  } catch (error) {
    if (!isAdvbenchError(error)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message };
  }
  throw new Error(`${text} was accepted`);
}

describe('parseQueueUrl', () => {
  it('reads host, port, db, user, password and TLS', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6380')).toEqual({ host: '127.0.0.1', port: 6380, db: 0, tls: false, display: 'redis://127.0.0.1:6380' });
    const full = parseQueueUrl('rediss://alice:s%40cret@queue.example.org:6379/3');
    expect(full).toEqual({ host: 'queue.example.org', port: 6379, db: 3, username: 'alice', password: 's@cret', tls: true, display: 'rediss://alice:***@queue.example.org:6379/3' });
    expect(parseQueueUrl('redis://:only-password@[::1]:7000').host).toBe('::1');
  });

  it('refuses bad URLs with exit code 2, naming the URL without its password', () => {
    for (const [text, why] of [
      ['localhost:6379', 'scheme'],
      ['http://localhost:6379', 'scheme'],
      ['redis://localhost', 'no port'],
      ['redis://localhost:6379/16', 'database'],
      ['redis://localhost:6379/x', 'database'],
      ['redis://localhost:6379?db=1', 'query'],
      ['not a url at all', 'not a URL'],
    ] as const) {
      const error = refusal(text);
      expect(error.code).toBe(QUEUE_URL_INVALID);
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(why);
      expect(error.message).toContain(JSON.stringify(text));
    }
    const secret = refusal('redis://bob:hunter2@localhost');
    expect(secret.message).not.toContain('hunter2');
    expect(secret.message).toContain('redis://bob:***@localhost');
  });
});

describe('redactQueueUrl', () => {
  it('cuts the password out, also from text that does not parse', () => {
    expect(redactQueueUrl('redis://u:p@h:1/2')).toBe('redis://u:***@h:1/2');
    expect(redactQueueUrl('redis://u:pa/ss@word@h:1')).toBe('redis://u:***@h:1');
    expect(redactQueueUrl('redis://:secret@h:1')).toBe('redis://:***@h:1');
    expect(redactQueueUrl('redis://user@h:1')).toBe('redis://user@h:1');
    expect(redactQueueUrl('redis://h:1')).toBe('redis://h:1');
  });
});
