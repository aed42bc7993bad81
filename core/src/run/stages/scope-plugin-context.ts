import type { AttackFactory, AttackInstance, BaseModel, ModelCache, PluginContext, ProgressSink } from '../../plugin-api/index.js';
import { parsePluginOptions } from '../../plugins/plugin-options.js';
import { hashFolder } from '../hash-folder.js';
import { createPluginContext } from '../plugin-context.js';
import { scopedLogger } from '../scoped-logger.js';
import { createThrottle } from '../throttle.js';
import { epochsOption } from './prepare-defense.js';
import { messageOf, type RunScope } from './run-scope.js';

const ZERO_COST = { seconds: 0, examples: 0, forwardPasses: 0, backwardPasses: 0, cached: false };

/** The context a defense or attack entry's `create` receives in this scope. */
export function scopePluginContext(scope: RunScope, kind: 'defense' | 'attack', name: string): PluginContext {
  const { tf } = scope;
  const logger = scopedLogger(scope.logger, { [kind]: name });
  const progress = trainProgressSink(scope, kind === 'defense' ? name : `attack:${name}`);
  return createPluginContext({
    tf,
    dataset: scope.datasetAccess,
    models: scope.models,
    training: scope.services.createTrainer({ tf, dataset: scope.datasetAccess, progress, signal: scope.signal, logger }),
    rng: scope.random.fork(`${kind}:${name}`),
    logger,
    progress,
    attacks: attackFactory(scope, name),
    cache: kind === 'defense' ? defenseCache(scope, name) : scope.cache,
    signal: scope.signal,
    entryName: name,
    base: () => {
      if (kind === 'defense') (scope.baseUsers ??= new Set()).add(name);
      return scopeBaseModel(scope);
    },
  });
}

/** The attack entry's instance, created once per scope. */
export function attackInstance(scope: RunScope, name: string): Promise<AttackInstance> {
  const entry = scope.attacks.get(name);
  if (!entry) return Promise.reject(new Error(`unknown attack entry ${name}`));
  entry.instance ??= Promise.resolve(entry.loaded.plugin.create(scopePluginContext(scope, 'attack', name), entry.options)).then((instance) => {
    scope.ownedAttacks.push(instance);
    return instance;
  });
  return entry.instance.catch((error: unknown) => {
    throw new Error(`attack ${name}: create failed: ${messageOf(error)}`, { cause: error });
  });
}

/** The run's base model: trained once by the `none` recipe (memoised in the scope), or the pretrained folder as is. */
export function scopeBaseModel(scope: RunScope): Promise<BaseModel> {
  scope.basePromise ??= loadBase(scope);
  return scope.basePromise;
}

/**
 * The model cache a defense entry sees: the scope's, with the defense plugin's id, version and code hash added to
 * every key, so a model trained by other plugin code is never reused.
 */
function defenseCache(scope: RunScope, name: string): ModelCache {
  const entry = scope.defenses.find((candidate) => candidate.name === name);
  if (!entry) return scope.cache;
  const code = { id: entry.stamp.id, version: entry.stamp.version, contentHash: entry.stamp.contentHash };
  return { getOrCreate: (parts, create) => scope.cache.getOrCreate({ ...parts, pluginCode: code }, create) };
}

function trainProgressSink(scope: RunScope, defense: string): ProgressSink {
  const throttle = createThrottle();
  return {
    train: (progress) => {
      if (throttle() || progress.step === progress.steps) scope.events.emit({ type: 'train-progress', defense, ...progress });
    },
  };
}

function attackFactory(scope: RunScope, owner: string): AttackFactory {
  return {
    create: async (reference, raw) => {
      const loaded = await scope.registry.resolveAttack(reference, `${owner}: attacks.create('${reference}')`);
      const options = parsePluginOptions(loaded.plugin, raw ?? {}, `${owner}: options of attack '${reference}'`);
      const instance = await loaded.plugin.create(scopePluginContext(scope, 'attack', `${owner}/${loaded.plugin.id}`), options);
      scope.ownedAttacks.push(instance);
      return instance;
    },
  };
}

async function loadBase(scope: RunScope): Promise<BaseModel> {
  const { spec } = scope;
  let base: BaseModel;
  if (spec.model.weights) {
    const model = await scope.models.load(spec.model.weights);
    base = { model, key: `pretrained:${await hashFolder(spec.model.weights)}`, cost: { ...ZERO_COST } };
  } else {
    const none = scope.defenses.find((entry) => entry.loaded.plugin.id === 'none');
    const options = none ? none.options : parsePluginOptions((await scope.registry.resolveDefense('none', 'base model (defense none)')).plugin, {}, 'base model (defaults of defense none)');
    const context = { ...scopePluginContext(scope, 'defense', none?.name ?? 'none'), rng: scope.random.fork('base') };
    base = await scope.services.trainBaseModel(context, options);
    scope.baseEpochs = epochsOption(options);
  }
  scope.baseParams = base.model.countParams();
  return base;
}
