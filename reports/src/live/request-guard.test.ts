import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createRequestGuard, hostNameOf, securityHeadersFor } from './request-guard.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('request guard', () => {
  it('reads host names from Host headers and URL authorities', () => {
    expect(hostNameOf('127.0.0.1:4173')).toBe('127.0.0.1');
    expect(hostNameOf('LocalHost')).toBe('localhost');
    expect(hostNameOf('[::1]:80')).toBe('::1');
    expect(hostNameOf('::1')).toBe('::1');
  });

  it('accepts loopback names, the bound address and allowed names; refuses others and malformed Host headers', () => {
    const guard = createRequestGuard({ boundHost: '10.1.2.3', allowedHosts: ['bench.internal'] });
    for (const host of ['127.0.0.1:4173', 'localhost:4173', '[::1]:4173', '10.1.2.3:4173', 'bench.internal']) expect(guard.hostProblem(request({ host }))).toBeUndefined();
    expect(guard.hostProblem(request({ host: 'evil.example:4173' }))).toContain('is not this server');
    expect(guard.hostProblem(request({ host: '127.0.0.1:4173;x' }))).toContain('is not a host name');
    expect(guard.hostProblem(request({}))).toContain('no Host header');
  });

  it('lets same-origin pages, allowed origins and non-browser clients open the websocket, nobody else', () => {
    const guard = createRequestGuard({ boundHost: '127.0.0.1', allowedOrigins: ['https://dashboard.example:8443/'] });
    expect(guard.originProblem(request({ host: '127.0.0.1:4173' }))).toBeUndefined();
    expect(guard.originProblem(request({ host: '127.0.0.1:4173', origin: 'http://127.0.0.1:4173' }))).toBeUndefined();
    expect(guard.originProblem(request({ host: '127.0.0.1:4173', origin: 'https://dashboard.example:8443' }))).toBeUndefined();
    expect(guard.originProblem(request({ host: '127.0.0.1:4173', origin: 'http://127.0.0.1:9999' }))).toContain('is not this server');
    expect(guard.originProblem(request({ host: '127.0.0.1:4173', origin: 'http://evil.example' }))).toContain('is not this server');
    expect(guard.originProblem(request({ host: '127.0.0.1:4173', origin: 'null' }))).toBeDefined();
  });

  it('sends a CSP that allows only the page\'s own scripts, no framing', () => {
    const headers = securityHeadersFor('<script>run()</script>')('127.0.0.1:4173');
    expect(headers['content-security-policy']).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'; /);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain('connect-src \'self\' ws://127.0.0.1:4173 wss://127.0.0.1:4173');
    expect(headers['x-frame-options']).toBe('DENY');
  });
});
