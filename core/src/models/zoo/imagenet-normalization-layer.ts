import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** ImageNet's per-channel RGB mean on the [0, 1] scale, as torchvision's models expect it. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** ImageNet's per-channel RGB standard deviation on the [0, 1] scale. */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/**
 * torchvision's input normalization as a layer, `(x - mean) / std` per RGB channel with {@link IMAGENET_MEAN} and
 * {@link IMAGENET_STD}, so a torchvision-layout model takes [0, 1] RGB inputs and attacks stay in pixel space. No
 * weights. Registered with tfjs serialization under `ImagenetNormalization`, so saved models load back.
 */
export class ImagenetNormalization extends tfl.layers.Layer {
  /** Serialization name. */
  static readonly className = 'ImagenetNormalization';

  /** Normalizes a [batch, h, w, 3] tensor. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.div(tf.sub(x, tf.tensor1d([...IMAGENET_MEAN])), tf.tensor1d([...IMAGENET_STD]));
    });
  }

  /** Same shape out as in. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}

tf.serialization.registerClass(ImagenetNormalization);

/** Creates the normalization layer (named `imagenet_normalization` unless told otherwise). */
export function imagenetNormalization(name = 'imagenet_normalization'): ImagenetNormalization {
  return new ImagenetNormalization({ name });
}
