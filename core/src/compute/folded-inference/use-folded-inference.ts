import * as tfl from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '../../plugin-api/index.js';
import { planInference, type InferencePlan } from './inference-plan.js';
import { foldedKernelsAvailable, runInferencePlan } from './run-inference-plan.js';

type Apply = (this: LayersModel, inputs: unknown, kwargs?: Record<string, unknown>) => unknown;

/**
 * Models whose convolution kernels hold more weights than this keep tfjs-layers' own execution: the folded
 * filters are copies (with their rotations for the input gradient), which for a ResNet-101 or -152 (43-58 M weights)
 * would crowd the 4 GiB wasm heap that a sweep also needs for activations. ResNet-50 (23.5 M) is folded: 16% off its
 * forward pass and 13% off its PGD step at 224x224 (docs/benchmarks.md); bench-resnet has 20-80 k weights.
 */
export const MAXIMUM_FOLDED_WEIGHTS = 30_000_000;

const plans = new WeakMap<LayersModel, InferencePlan | null>();
let installed = false;
let enabled = process.env.ADVBENCH_FOLDED_INFERENCE !== '0';

function planOf(model: LayersModel): InferencePlan | undefined {
  let plan = plans.get(model);
  if (plan === undefined) {
    plan = planInference(model) ?? null;
    if (plan !== null && convolutionWeights(plan) > MAXIMUM_FOLDED_WEIGHTS) {
      plan = null;
    }
    plans.set(model, plan);
  }
  return plan ?? undefined;
}

function convolutionWeights(plan: InferencePlan): number {
  return plan.steps.reduce((total, step) => total + (step.kind === 'convolution' ? step.convolution.kernel.read().size : 0), 0);
}

function isConcreteTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'dataId' in value && 'shape' in value && !Array.isArray(value);
}

/**
 * Makes `model.apply(x, { training: false })` on concrete tensors run folded on the wasm backend: batch norms
 * folded into the convolutions before them, ReLUs and zero paddings fused into those convolutions (one XNNPACK
 * kernel each), and gradients computed with respect to the input only (no filter gradient, no batch-norm
 * gradient). Same function, float32 rounding aside: the folded weights follow every weight update (they are cached
 * per version of the weights). A PGD step of bench-resnet runs about a third fewer kernels (docs/benchmarks.md).
 *
 * The limit that comes with it: an inference-mode `apply` is then not differentiable with respect to the model's
 * weights; differentiate weights through `training: true` (what training does), or set
 * `ADVBENCH_FOLDED_INFERENCE=0` / {@link setFoldedInference}(false). Models whose graph has several inputs or
 * outputs, or more than {@link MAXIMUM_FOLDED_WEIGHTS} convolution weights, keep tfjs-layers' own execution, as do other backends, training-mode calls and symbolic calls. Idempotent.
 */
export function useFoldedInference(): void {
  if (installed) {
    return;
  }
  const prototype = tfl.LayersModel.prototype as unknown as { apply: Apply };
  const original = prototype.apply;
  const patched: Apply = function apply(this: LayersModel, inputs, kwargs) {
    const single = Array.isArray(inputs) && inputs.length === 1 ? inputs[0] : inputs;
    if (!enabled || kwargs?.training === true || !isConcreteTensor(single) || !foldedKernelsAvailable()) {
      return original.call(this, inputs, kwargs);
    }
    const plan = planOf(this);
    if (plan === undefined) {
      return original.call(this, inputs, kwargs);
    }
    return runInferencePlan(plan, single);
  };
  prototype.apply = patched;
  installed = true;
}

/** Turns the folded inference of {@link useFoldedInference} on or off (on unless ADVBENCH_FOLDED_INFERENCE=0). */
export function setFoldedInference(on: boolean): void {
  enabled = on;
}
