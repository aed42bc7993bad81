import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../compute/select-backend.js';
import { loadRunSpec } from '../../config/load-run-spec.js';
import { EventBus } from '../../events/event-bus.js';
import { PluginRegistry } from '../../plugins/plugin-registry.js';
import { createRandom } from '../../random/seeded-random.js';
import { loadRunServices } from '../run-services.js';
import { silentLogger } from '../scoped-logger.js';
import { openRunScope, type RunScope } from '../stages/run-scope.js';

/**
 * Opens a run scope the way a queue worker does, from a config alone (written to `<folder>/<name>.json`, out folder
 * `<folder>/<name>`), with the real registry, services and backend. Test-only; release it with `releaseRunScope`.
 */
export async function openTestScope(folder: string, name: string, config: Record<string, unknown>): Promise<RunScope> {
  const configPath = join(folder, `${name}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  const spec = await loadRunSpec({ configPath, overrides: { out: join(folder, name) }, cwd: folder });
  return openRunScope({
    spec,
    registry: await PluginRegistry.create({ cwd: folder }),
    events: new EventBus('test'),
    services: await loadRunServices(),
    backend: await selectBackend(spec.backend, { logger: silentLogger }),
    logger: silentLogger,
    signal: new AbortController().signal,
    random: createRandom(spec.seed),
  });
}
