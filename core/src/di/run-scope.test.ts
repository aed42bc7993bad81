import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import { silentLogger } from '../run/scoped-logger.js';
import { declareInjectable } from './declare-injectable.js';
import { createRootContainer } from './root-container.js';
import { runScope } from './run-scope.js';
import { Tokens } from './tokens.js';

class Consumer {
  constructor(
    readonly spec: { seed: number },
    readonly events: EventBus,
  ) {}
}
declareInjectable(Consumer, [Tokens.RunSpec, Tokens.EventBus]);

const registry = {} as PluginRegistry;

describe('DI scopes', () => {
  it('resolves explicit tokens from the run scope and its root, and keeps runs apart', async () => {
    const events = new EventBus('r');
    const root = createRootContainer({ logger: silentLogger, registry, events });
    const first = await runScope(root, { values: [[Tokens.RunSpec, { seed: 1 }]] }, async (scope) => scope.resolve(Consumer));
    const second = await runScope(root, { values: [[Tokens.RunSpec, { seed: 2 }]] }, async (scope) => scope.resolve(Consumer));
    expect(first.spec.seed).toBe(1);
    expect(second.spec.seed).toBe(2);
    expect(first.events).toBe(events);
    expect(root.isRegistered(Tokens.RunSpec)).toBe(false);
  });

  it('disposes in finally, in reverse order, even when the body throws or a disposer fails', async () => {
    const root = createRootContainer({ logger: silentLogger, registry, events: new EventBus('r') });
    const order: string[] = [];
    const errors: unknown[] = [];
    await expect(
      runScope(
        root,
        {
          values: [],
          disposers: [
            () => void order.push('store'),
            () => {
              order.push('models');
              throw new Error('dispose failed');
            },
            () => void order.push('dataset'),
          ],
        },
        async () => {
          throw new Error('run failed');
        },
        (error) => errors.push(error),
      ),
    ).rejects.toThrow('run failed');
    expect(order).toEqual(['dataset', 'models', 'store']);
    expect(errors).toHaveLength(1);
  });

  it('refuses a token list that does not match the constructor', () => {
    class Two {
      constructor(
        readonly a: unknown,
        readonly b: unknown,
      ) {}
    }
    expect(() => declareInjectable(Two, [Tokens.RunSpec])).toThrow(/takes 2 constructor parameters but 1 tokens/);
  });
});
