import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';

/** The fields of tfjs-layers' (internal) Conv2D layer the patched `call` reads. */
interface ConvolutionLayer {
  rank: number;
  dataFormat: string;
  strides: number[];
  padding: string;
  dilationRate: number[];
  kernel: { read(): Tensor };
  bias: { read(): Tensor } | null;
  activation: { apply(x: Tensor): Tensor } | null;
}

type Call = (this: ConvolutionLayer, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

let installed = false;

/**
 * Makes tfjs-layers' Conv2D layers use the plain `tf.conv2d` op (plus bias and activation) while a gradient is
 * being recorded, instead of `tf.fused.conv2d`.
 *
 * Why: the fused op's gradient is one `customGrad` that always computes both the input and the filter gradient,
 * so an attack's `tf.grad` w.r.t. the input paid for every filter gradient too (half of a PGD step on wasm).
 * The plain op registers one lazy gradient per input, and tfjs backpropagates only along the tape path from the
 * differentiated inputs: w.r.t. the input, no Conv2DBackpropFilter runs; in training both run, as before. Outside
 * gradient recording (inference) the fused op is kept. Same values either way. Idempotent.
 */
export function useUnfusedConvolutionGradients(): void {
  if (installed) {
    return;
  }
  const probe = tfl.layers.conv2d({ filters: 1, kernelSize: 1 });
  const prototype = Object.getPrototypeOf(probe) as { call: Call };
  const original = prototype.call;
  const patched: Call = function call(this: ConvolutionLayer, inputs, kwargs) {
    const recording = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
    if (!recording || this.rank !== 2 || this.dataFormat !== 'channelsLast' || this.dilationRate.some((rate) => rate !== 1)) {
      return original.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      let y: Tensor = tf.conv2d(x, this.kernel.read() as tf.Tensor4D, this.strides as [number, number], this.padding === 'same' ? 'same' : 'valid', 'NHWC');
      if (this.bias !== null && this.bias !== undefined) {
        y = tf.add(y, this.bias.read());
      }
      return this.activation === null || this.activation === undefined ? y : this.activation.apply(y);
    });
  };
  prototype.call = patched;
  installed = true;
}
