import { describe, expect, it } from 'vitest';
import { generateToken, isLoopbackHost, tokenMatches } from './live-token.js';

describe('live token', () => {
  it('matches only the exact token', () => {
    const token = generateToken();
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(generateToken()).not.toBe(token);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token.slice(1), token)).toBe(false);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
    expect(tokenMatches(null, token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
