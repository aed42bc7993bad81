import type { KernelBackend, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { derivedFilter } from '../wasm-kernels/derived-filter-cache.js';
import type { ConvolutionStep } from './inference-plan.js';

/** The filter and bias a folded convolution runs with. */
export interface FoldedWeights {
  filter: TensorInfo;
  bias?: TensorInfo;
}

const serials = new WeakMap<object, number>();
let nextSerial = 0;

/** A number naming one buffer (tfjs gives new values a new data id, so a changed weight gets a new number). */
function serialOf(tensor: Tensor): number {
  const key = tensor.dataId as object;
  let serial = serials.get(key);
  if (serial === undefined) {
    nextSerial += 1;
    serial = nextSerial;
    serials.set(key, serial);
  }
  return serial;
}

function valuesOf(tensor: Tensor | undefined): Float32Array | undefined {
  return tensor === undefined ? undefined : (tensor.dataSync() as Float32Array);
}

/**
 * The weights of a convolution step: its own kernel and bias, or, with a batch norm folded in, the filter scaled
 * per output channel by `gamma / sqrt(movingVariance + epsilon)` and the bias `beta + (bias - movingMean) * scale`
 * (inference-mode batch norm is that affine map). Folded weights are computed once per version of the weights
 * (in float64, rounded once) and cached with the kernel's buffer ({@link derivedFilter}): the cache owns them.
 */
export function foldedWeights(backend: KernelBackend, step: ConvolutionStep): FoldedWeights {
  const kernel = step.convolution.kernel.read();
  const convolutionBias = step.convolution.bias?.read();
  const batchNormalization = step.batchNormalization;
  if (batchNormalization === undefined) {
    return { filter: kernel, bias: convolutionBias };
  }
  const gamma = batchNormalization.scale ? batchNormalization.gamma?.read() : undefined;
  const beta = batchNormalization.center ? batchNormalization.beta?.read() : undefined;
  const mean = batchNormalization.movingMean.read();
  const variance = batchNormalization.movingVariance.read();
  const parts = [gamma, beta, mean, variance, convolutionBias].map((part) => (part === undefined ? '-' : String(serialOf(part))));
  const key = `folded batch norm ${batchNormalization.epsilon} ${parts.join(',')}`;
  const outputChannels = kernel.shape[kernel.shape.length - 1]!;
  const scale = (): Float64Array => {
    const varianceValues = valuesOf(variance)!;
    const gammaValues = valuesOf(gamma);
    return Float64Array.from({ length: outputChannels }, (_, channel) => (gammaValues?.[channel] ?? 1) / Math.sqrt(varianceValues[channel]! + batchNormalization.epsilon));
  };
  const filter = derivedFilter(backend, kernel, `${key} filter`, () => {
    const factors = scale();
    const values = Float32Array.from(valuesOf(kernel)!, (value, index) => value * factors[index % outputChannels]!);
    return { dataId: backend.write(values, [...kernel.shape], 'float32'), shape: [...kernel.shape], dtype: 'float32' };
  });
  const bias = derivedFilter(backend, kernel, `${key} bias`, () => {
    const factors = scale();
    const meanValues = valuesOf(mean)!;
    const betaValues = valuesOf(beta);
    const biasValues = valuesOf(convolutionBias);
    const values = Float32Array.from({ length: outputChannels }, (_, channel) =>
      (betaValues?.[channel] ?? 0) + ((biasValues?.[channel] ?? 0) - meanValues[channel]!) * factors[channel]!);
    return { dataId: backend.write(values, [outputChannels], 'float32'), shape: [outputChannels], dtype: 'float32' };
  });
  return { filter, bias };
}
