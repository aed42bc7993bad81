import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { isLoopbackHost } from './live-token.js';

/** What the live server accepts besides loopback names and the address it is bound to. */
export interface RequestGuardOptions {
  /** The address the server is bound to (`0.0.0.0` / `::`: every address of this machine, and its host name). */
  boundHost: string;
  /** Extra host names (without port) requests may be addressed to, for a proxy or a DNS name of this machine. */
  allowedHosts?: readonly string[];
  /** Extra origins (`https://dashboard.example:8443`) whose pages may open the websocket. */
  allowedOrigins?: readonly string[];
}

/** Checks of the `Host` and `Origin` headers, so no other web page (and no DNS-rebound name) can read the server. */
export interface RequestGuard {
  /** Why a request's `Host` is refused, or undefined when it names this server. */
  hostProblem(request: IncomingMessage): string | undefined;
  /** Why a websocket upgrade's `Origin` is refused (a page of another origin), or undefined when allowed. */
  originProblem(request: IncomingMessage): string | undefined;
}

/** A `Host` header: a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST_HEADER = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The host name of a `Host` header or URL authority, lower case, without port or IPv6 brackets. */
export function hostNameOf(authority: string): string {
  const trimmed = authority.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']') === -1 ? undefined : trimmed.indexOf(']'));
  const colon = trimmed.lastIndexOf(':');
  return colon === -1 || trimmed.indexOf(':') !== colon ? trimmed : trimmed.slice(0, colon);
}

/**
 * Builds the guard. A request's `Host` must be a loopback name, the bound address (every local address and the
 * machine's name when bound to all interfaces) or an allowed name: a web page whose DNS name was rebound to this
 * machine sends its own name and is refused. A websocket upgrade with an `Origin` (every browser sends one) must
 * come from this server's own origin (same host and port as the `Host` it was sent to) or an allowed origin;
 * clients that are not browsers send none and are let through (the token, when required, still applies).
 */
export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const names = new Set<string>([hostNameOf(options.boundHost), ...(options.allowedHosts ?? []).map(hostNameOf)]);
  if (options.boundHost === '0.0.0.0' || options.boundHost === '::') {
    names.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) for (const address of addresses ?? []) names.add(address.address.toLowerCase());
  }
  const origins = new Set((options.allowedOrigins ?? []).map((origin) => origin.trim().toLowerCase().replace(/\/$/, '')));
  const hostAllowed = (name: string) => isLoopbackHost(name) || names.has(name);
  return {
    hostProblem(request) {
      const host = request.headers.host;
      if (host === undefined || host === '') return 'the request has no Host header';
      if (!HOST_HEADER.test(host)) return `Host ${JSON.stringify(host)} is not a host name with an optional port`;
      return hostAllowed(hostNameOf(host)) ? undefined : `Host ${JSON.stringify(host)} is not this server (allow it with --allow-host)`;
    },
    originProblem(request) {
      const origin = request.headers.origin;
      if (origin === undefined) return undefined;
      const normalized = origin.trim().toLowerCase();
      if (origins.has(normalized)) return undefined;
      let url: URL;
      try {
        url = new URL(normalized);
      } catch {
        return `Origin ${JSON.stringify(origin)} is not a URL`;
      }
      const sameOrigin = (url.protocol === 'http:' || url.protocol === 'https:') && url.host === (request.headers.host ?? '').trim().toLowerCase();
      return sameOrigin ? undefined : `Origin ${JSON.stringify(origin)} is not this server's (allow it with --allow-origin)`;
    },
  };
}

/**
 * The security headers of every response to a request for (checked) `host`: a Content-Security-Policy that runs
 * only `page`'s own inline scripts (by hash), connects only back to this server and forbids framing, plus
 * `X-Frame-Options: DENY`.
 */
export function securityHeadersFor(page: string): (host: string | undefined) => Record<string, string> {
  const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => `'sha256-${createHash('sha256').update(match[1]).digest('base64')}'`);
  return (host) => {
    const socket = host === undefined || !HOST_HEADER.test(host) ? '' : ` ws://${host} wss://${host}`;
    return {
      'content-security-policy': `default-src 'none'; script-src ${scripts.join(' ') || "'none'"}; style-src 'unsafe-inline'; img-src data:; connect-src 'self'${socket}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    };
  };
}
