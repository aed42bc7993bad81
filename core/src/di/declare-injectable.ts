import { inject, injectable } from 'tsyringe';
import type { Token } from './tokens.js';

/**
 * Declares a class injectable with an explicit token for every constructor parameter. This is tsyringe's
 * `@injectable()` plus `@inject(token)` on each parameter, applied as plain calls rather than decorator syntax:
 * esbuild-based runners (tsx, vitest) only accept parameter decorators when a tsconfig with
 * `experimentalDecorators` is found, which is not the case from the repository root, and they never emit
 * `design:paramtypes` anyway. The tokens must list exactly the constructor's parameters, in order.
 */
export function declareInjectable<T extends new (...parameters: any[]) => unknown>(target: T, parameterTokens: readonly Token[]): T {
  if (target.length !== parameterTokens.length) {
    throw new Error(`${target.name} takes ${target.length} constructor parameters but ${parameterTokens.length} tokens were declared`);
  }
  parameterTokens.forEach((token, index) => inject(token)(target, undefined, index));
  injectable()(target);
  return target;
}
