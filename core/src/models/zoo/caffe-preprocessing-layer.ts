import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The ImageNet channel means in BGR order that Keras 'caffe' preprocessing subtracts. */
export const CAFFE_BGR_MEANS: readonly [number, number, number] = [103.939, 116.779, 123.68];

/**
 * Keras 'caffe' preprocessing as a layer, so models take [0, 1] RGB inputs and attacks work in pixel space:
 * `x * 255`, RGB to BGR, minus {@link CAFFE_BGR_MEANS}. No weights. Registered with tfjs serialization under
 * `CaffePreprocessing`, so saved models load back (import this module before loading).
 */
export class CaffePreprocessing extends tfl.layers.Layer {
  /** Serialization name. */
  static readonly className = 'CaffePreprocessing';

  /** Applies the preprocessing to a [batch, h, w, 3] tensor. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const bgr = tf.reverse(x, -1);
      return tf.sub(tf.mul(bgr, 255), tf.tensor1d([...CAFFE_BGR_MEANS]));
    });
  }

  /** Same shape out as in. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}

tf.serialization.registerClass(CaffePreprocessing);

/** Creates the preprocessing layer (named `caffe_preprocessing` unless told otherwise). */
export function caffePreprocessing(name = 'caffe_preprocessing'): CaffePreprocessing {
  return new CaffePreprocessing({ name });
}
