import { inputError } from '../plugin-api/errors.js';

/** A parsed `--queue` URL: where the Redis server is, and the URL to show (password redacted). */
export interface QueueAddress {
  /** Host name or address. */
  host: string;
  /** TCP port. */
  port: number;
  /** Redis database number (default 0). */
  db: number;
  /** ACL user name, when the URL gives one. */
  username?: string;
  /** Password, when the URL gives one. Never printed, logged or stored: use {@link QueueAddress.display}. */
  password?: string;
  /** True for `rediss://` (TLS). */
  tls: boolean;
  /** The URL with its password replaced by `***`: the only form that may be printed, logged or stored. */
  display: string;
}

/** Code of the error for a malformed `--queue` URL. */
export const QUEUE_URL_INVALID = 'ADVBENCH_ERR_QUEUE_URL';

/** Stands in for a password wherever a queue URL is shown. */
export const REDACTED = '***';

/**
 * Parses and validates `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). The port is required
 * (no silent default to 6379 of some other server), the db is an integer in [0, 15] when given, and nothing else
 * (query, fragment, path segments) is accepted. A bad URL is bad input (exit code 2) and the message shows the
 * URL with its password redacted.
 */
export function parseQueueUrl(text: string, where = '--queue'): QueueAddress {
  const shown = redactQueueUrl(text);
  const fail = (why: string): never => {
    throw inputError(QUEUE_URL_INVALID, `${where} ${JSON.stringify(shown)}: ${why}; expected redis://[user:password@]host:port[/db] or rediss://...`, { details: { flag: where, url: shown } });
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') fail(`the scheme must be redis: or rediss:, not ${url.protocol}`);
  if (url.hostname === '') fail('no host');
  if (url.port === '') fail('no port');
  const port = Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`port ${url.port} is not in [1, 65535]`);
  if (url.search !== '' || url.hash !== '') fail('query strings and fragments are not accepted');
  let db = 0;
  const path = url.pathname.replace(/^\//, '');
  if (path !== '') {
    if (!/^\d{1,2}$/.test(path) || Number(path) > 15) fail(`the database "${path}" must be an integer in [0, 15]`);
    db = Number(path);
  }
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    tls: url.protocol === 'rediss:',
    display: shown,
  };
}

/**
 * The URL with any password replaced by `***`, also for text that does not parse: everything between the
 * scheme's `://` and the last `@` is the user part, and whatever follows its first `:` is cut out.
 */
export function redactQueueUrl(text: string): string {
  const start = text.indexOf('://');
  const at = text.lastIndexOf('@');
  if (start < 0 || at < start) return text;
  const userInfo = text.slice(start + 3, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return text;
  return `${text.slice(0, start + 3)}${userInfo.slice(0, colon)}:${REDACTED}${text.slice(at)}`;
}
