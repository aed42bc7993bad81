import { createHash } from 'node:crypto';
import { inputError } from '@advbench/core/plugin-api';
import type { AttackCost, AttackInput, AttackInstance, AttackReport, AttackSurface, PluginContext, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import type { TransferOptions } from './transfer-options.js';

/**
 * Transfer attack: adversarial examples crafted with a white-box attack (`options.attack`, created through the
 * registry) on a source model, then judged on each target defense by the harness. The source is the run's
 * undefended base model (`context.base()`), attacked on its logits as a surface that is not marked exact, so the
 * source attack returns its highest-loss point (examples that transfer) rather than the first one that crosses
 * the source's own boundary. Crafted once per epsilon and batch (keyed by epsilon and a hash of the images and
 * labels) and reused for every target; the target's surface is never used.
 */
export function createTransferAttack(context: PluginContext, options: TransferOptions): AttackInstance {
  // Crafted batches live in CPU memory (n x h x w x c x 4 bytes per batch and epsilon), not on the accelerator.
  const crafted = new Map<string, { data: Float32Array; shape: [number, number, number, number] }>();
  let inner: Promise<AttackInstance> | undefined;
  let source: Promise<AttackSurface> | undefined;
  const sourceSurface = async (): Promise<AttackSurface> => {
    const base = await context.base();
    return {
      name: 'base',
      description: 'logits of the undefended base model (transfer source)',
      output: 'logits',
      randomized: false,
      exact: false,
      forward: (x) => base.model.apply(x, { training: false }) as Tensor2D,
    };
  };
  return {
    describe: () => ({ ...options }),
    async run(input: AttackInput): Promise<Tensor4D> {
      const started = Date.now();
      if (!(input.epsilon >= 0 && Number.isFinite(input.epsilon))) {
        throw inputError('ADVBENCH_ERR_ATTACK_EPSILON', `transfer: epsilon must be a finite number >= 0, got ${input.epsilon}`, { details: { epsilon: input.epsilon } });
      }
      const key = await batchKey(input);
      let cost: AttackCost = { forwardPasses: 0, backwardPasses: 0, queries: 0, judgeCalls: 0, seconds: 0 };
      let stored = crafted.get(key);
      if (!stored) {
        inner ??= context.attacks.create(options.attack, options.attackOptions);
        source ??= sourceSurface();
        const [attack, surface] = await Promise.all([inner, source]);
        let innerReport: AttackReport | undefined;
        // Counts the source's forward passes in case the source attack reports nothing itself.
        const seen = { forwardPasses: 0 };
        const counted: AttackSurface = { ...surface, forward: (x, rng) => ((seen.forwardPasses += x.shape[0]), surface.forward(x, rng)) };
        const adversarial = await attack.run({
          surface: counted,
          x: input.x,
          y: input.y,
          epsilon: input.epsilon,
          // From the run's randomness and the batch alone, never from the cell that happens to ask first: every
          // target, in any order and on any worker of a queue, gets the same crafted examples.
          rng: context.rng.fork(`transfer source ${key}`),
          signal: input.signal,
          onStep: input.onStep,
          report: (report) => (innerReport = report),
        });
        stored = { data: Float32Array.from(await adversarial.data()), shape: adversarial.shape };
        adversarial.dispose();
        crafted.set(key, stored);
        cost = innerReport ? { ...innerReport.cost } : { ...cost, forwardPasses: seen.forwardPasses };
      }
      cost.seconds = (Date.now() - started) / 1000;
      input.report?.({ cost });
      return context.tf.tensor4d(stored.data, stored.shape, 'float32');
    },
    dispose() {
      crafted.clear();
    },
  };
}

/** Identity of one batch at one epsilon: the epsilon and a hash of the images' and labels' values. */
async function batchKey(input: AttackInput): Promise<string> {
  const hash = createHash('sha256');
  hash.update(String(input.epsilon));
  hash.update(JSON.stringify(input.x.shape));
  // Asynchronous reads: a GPU backend (webgpu in Node) cannot read tensors synchronously.
  const images = (await input.x.data()) as Float32Array;
  hash.update(new Uint8Array(images.buffer, images.byteOffset, images.byteLength));
  const labels = Int32Array.from(await input.y.data());
  hash.update(new Uint8Array(labels.buffer));
  return hash.digest('hex');
}
