import { expect } from 'vitest';
import { isAdvbenchError } from '../../plugin-api/index.js';

/** Asserts `action` throws (or rejects with) an exit-2 advbench error whose message contains every fragment. */
export async function expectInputError(action: (() => unknown) | Promise<unknown>, ...fragments: string[]): Promise<Error> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    expect(isAdvbenchError(error), String(error)).toBe(true);
    expect((error as { exitCode: number }).exitCode).toBe(2);
    for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
    return error as Error;
  }
  return expect.unreachable('should have thrown an input error') as never;
}
