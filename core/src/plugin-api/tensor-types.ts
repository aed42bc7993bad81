import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The TensorFlow.js core API (ops, tidy, grad, memory...) of the backend the run selected. */
export type TensorFlow = typeof tfc;
/** A tfjs tensor. */
export type Tensor = tfc.Tensor;
/** A rank-1 tensor (labels: int32 class indices). */
export type Tensor1D = tfc.Tensor1D;
/** A rank-2 tensor (logits, probabilities: [batch, classes]). */
export type Tensor2D = tfc.Tensor2D;
/** A rank-4 tensor (images: [batch, height, width, channels], values in [0, 1]). */
export type Tensor4D = tfc.Tensor4D;
/** A tfjs layers model. Zoo models output logits (no softmax layer). */
export type LayersModel = tfl.LayersModel;
/** Image shape as [height, width, channels]. */
export type ImageShape = [number, number, number];
