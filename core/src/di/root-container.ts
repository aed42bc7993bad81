import { container, type DependencyContainer } from 'tsyringe';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../plugin-api/index.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import { Tokens } from './tokens.js';

/** What the process scope holds. */
export interface RootServices {
  /** The process logger. */
  logger: Logger;
  /** The plugin registry. */
  registry: PluginRegistry;
  /** The event bus reporters subscribe to. */
  events: EventBus;
}

/**
 * The process-wide container: a child of tsyringe's global container (the only use of the global), holding the
 * logger, the plugin registry and the event bus. The compute backend is registered into it by the first run, once
 * the run's spec has chosen it.
 */
export function createRootContainer(services: RootServices): DependencyContainer {
  const root = container.createChildContainer();
  root.register(Tokens.Logger, { useValue: services.logger });
  root.register(Tokens.PluginRegistry, { useValue: services.registry });
  root.register(Tokens.EventBus, { useValue: services.events });
  return root;
}
