import type { TensorFlow } from '@advbench/core/plugin-api';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The mean of `tensor` as a number, read asynchronously (backends such as webgpu in Node have no synchronous
 * read). The input is not disposed; the mean is.
 */
export async function readMean(tf: TensorFlow, tensor: Tensor): Promise<number> {
  const mean = tf.mean(tensor);
  try {
    return (await mean.data())[0];
  } finally {
    mean.dispose();
  }
}
