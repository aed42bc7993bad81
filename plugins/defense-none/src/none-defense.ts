import { AdvbenchError } from '@advbench/core/plugin-api';
import type { AttackSurface, BaseModel, Classifier, DefenseInstance, PluginContext, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import type { NoneOptions } from './none-options.js';

/**
 * The undefended model as a defense: the run's base model (trained by {@link trainBaseModel} or loaded pretrained,
 * shared with the defenses that fine-tune from it), decided by the softmax of its logits, attacked on one `full`
 * surface (the logits). Deterministic. The base model belongs to the run, so `dispose` leaves it alone.
 */
export function createNoneDefense(context: PluginContext, options: NoneOptions): DefenseInstance {
  const { tf } = context;
  let base: BaseModel | undefined;
  const ready = (): BaseModel => {
    if (!base) throw new AdvbenchError('ADVBENCH_ERR_NOT_PREPARED', `${context.entryName}: defense none used before prepare()`);
    return base;
  };
  const logits = (x: Tensor4D): Tensor2D => ready().model.apply(x, { training: false }) as Tensor2D;
  const classifier: Classifier = {
    randomized: false,
    predict: (x) => tf.tidy(() => tf.softmax(logits(x))),
  };
  const full: AttackSurface = {
    name: 'full',
    description: 'logits of the undefended model',
    output: 'logits',
    randomized: false,
    // Its arg-max is the decision rule (softmax of the same logits), deterministically.
    exact: true,
    forward: (x) => logits(x),
  };
  return {
    async prepare() {
      base = await context.base();
    },
    classifier,
    surfaces: () => [full],
    defaultSurfaces: () => ['full'],
    cost: () => ({ ...ready().cost }),
    describe: () => ({ ...options, baseKey: base?.key, parameters: base?.model.countParams() }),
    dispose() {
      base = undefined;
    },
  };
}
