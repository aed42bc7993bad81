import { createHash } from 'node:crypto';
import type { RunSpec } from './run-spec.js';

/** JSON with object keys sorted, so equal values always serialise the same way. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) of everything in the spec that changes results: not `out` (where results go), `preset` (a
 * label) or `cacheDirectory`. Two runs with the same hash on the same backend give the same numbers.
 */
export function hashRunSpec(spec: RunSpec): string {
  const { out: _out, preset: _preset, cacheDirectory: _cache, ...rest } = spec;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
