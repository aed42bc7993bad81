import { readFileSync } from 'node:fs';

/** The version of @advbench/core (from its package.json; the same path from src/run and dist/run). */
export const ADVBENCH_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
