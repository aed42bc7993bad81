import type * as tfl from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '../../plugin-api/index.js';
import { inferenceGraph, type GraphTensor } from './inference-graph.js';

/** A layer variable of tfjs-layers (its `read()` gives the current tf.Variable). */
export interface LayerVariableLike {
  read(): Tensor;
}

/** The fields of tfjs-layers' (internal) Conv2D layer the plan reads. */
export interface ConvolutionLayer {
  rank: number;
  dataFormat: string;
  strides: number[];
  padding: string;
  dilationRate: number[];
  kernel: LayerVariableLike;
  bias: LayerVariableLike | null;
  activation?: { getClassName(): string } | null;
}

/** The fields of tfjs-layers' (internal) BatchNormalization layer the plan reads. */
export interface BatchNormalizationLayer {
  axis: number | number[];
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma?: LayerVariableLike | null;
  beta?: LayerVariableLike | null;
  movingMean: LayerVariableLike;
  movingVariance: LayerVariableLike;
}

/** Explicit padding of the spatial axes: [[top, bottom], [left, right]]. */
export type SpatialPadding = [[number, number], [number, number]];

/** A convolution with the batch norm after it folded into its filter and bias, and the ReLU after that fused. */
export interface ConvolutionStep {
  kind: 'convolution';
  input: number;
  output: number;
  convolution: ConvolutionLayer;
  batchNormalization?: BatchNormalizationLayer;
  relu: boolean;
  /** A zero padding layer before it, folded into the convolution's own padding (its padding is `valid`). */
  padding?: SpatialPadding;
}

/** A sum of tensors, with the ReLU after it fused when that is its only reader. */
export interface AddStep {
  kind: 'add';
  inputs: number[];
  output: number;
  relu: boolean;
}

/** A ReLU on its own. */
export interface ReluStep {
  kind: 'relu';
  input: number;
  output: number;
}

/** Any other layer, run by its own `apply` in inference mode (its gradient is tfjs' own). */
export interface LayerStep {
  kind: 'layer';
  inputs: number[];
  output: number;
  layer: tfl.layers.Layer;
  callArgs: Record<string, unknown>;
}

/** One step of an {@link InferencePlan}. */
export type InferenceStep = ConvolutionStep | AddStep | ReluStep | LayerStep;

/** How a model's inference runs folded: steps in order, reading and writing tensors by symbolic tensor id. */
export interface InferencePlan {
  input: number;
  output: number;
  steps: InferenceStep[];
  /** How many steps read each tensor (the output counts one more), to release intermediates early. */
  readers: Map<number, number>;
}

function className(layer: tfl.layers.Layer): string {
  return layer.getClassName();
}

/** A plain ReLU layer: `ReLU` without a cap, or `Activation('relu')`. */
function isRelu(layer: tfl.layers.Layer): boolean {
  if (className(layer) === 'ReLU') {
    return (layer as unknown as { maxValue?: number | null }).maxValue == null;
  }
  if (className(layer) === 'Activation') {
    return (layer as unknown as { activation?: { getClassName(): string } }).activation?.getClassName() === 'relu';
  }
  return false;
}

/** A 2-D, channels-last, undilated convolution with a linear or ReLU activation. */
function asConvolution(layer: tfl.layers.Layer): ConvolutionLayer | undefined {
  if (className(layer) !== 'Conv2D') {
    return undefined;
  }
  const convolution = layer as unknown as ConvolutionLayer;
  const activation = convolution.activation?.getClassName() ?? 'linear';
  if (convolution.rank !== 2 || convolution.dataFormat !== 'channelsLast' || convolution.dilationRate.some((rate) => rate !== 1)) {
    return undefined;
  }
  if (activation !== 'linear' && activation !== 'relu') {
    return undefined;
  }
  if (convolution.padding !== 'same' && convolution.padding !== 'valid') {
    return undefined;
  }
  return convolution;
}

/** A batch norm over the last axis of a 4-D tensor. */
function asBatchNormalization(layer: tfl.layers.Layer): BatchNormalizationLayer | undefined {
  if (className(layer) !== 'BatchNormalization') {
    return undefined;
  }
  const batchNormalization = layer as unknown as BatchNormalizationLayer;
  const axes = Array.isArray(batchNormalization.axis) ? batchNormalization.axis : [batchNormalization.axis];
  return axes.length === 1 && (axes[0] === -1 || axes[0] === 3) ? batchNormalization : undefined;
}

/** A channels-last ZeroPadding2D's [[top, bottom], [left, right]]. */
function zeroPadding(layer: tfl.layers.Layer): SpatialPadding | undefined {
  if (className(layer) !== 'ZeroPadding2D') {
    return undefined;
  }
  const { padding, dataFormat } = layer as unknown as { padding: SpatialPadding; dataFormat: string };
  return dataFormat === 'channelsLast' ? padding : undefined;
}

/**
 * Plans a model's inference-mode forward pass for folding, or `undefined` when the model's graph is not one
 * {@link inferenceGraph} can walk. Convolutions absorb the batch norm that alone reads them (into filter and bias),
 * then the ReLU that alone reads that; a zero padding read only by a `valid` convolution becomes its padding; a sum
 * absorbs the ReLU that alone reads it. Every other layer is a step of its own, run by the layer itself.
 */
export function planInference(model: LayersModel): InferencePlan | undefined {
  const graph = inferenceGraph(model);
  if (graph === undefined) {
    return undefined;
  }
  const { consumers } = graph;
  const onlyReader = new Map<number, GraphTensor>();
  for (const tensor of graph.order) {
    for (const dependency of tensor.inputs) {
      if (consumers.get(dependency.id) === 1) {
        onlyReader.set(dependency.id, tensor);
      }
    }
  }
  const follower = (tensor: GraphTensor): GraphTensor | undefined => (tensor.id === graph.output.id ? undefined : onlyReader.get(tensor.id));
  const absorbed = new Set<number>();
  const steps: InferenceStep[] = [];
  for (const tensor of graph.order) {
    if (tensor.id === graph.input.id || absorbed.has(tensor.id)) {
      continue;
    }
    const layer = tensor.sourceLayer;
    const convolution = asConvolution(layer);
    if (convolution !== undefined && tensor.inputs.length === 1) {
      let end = tensor;
      let batchNormalization: BatchNormalizationLayer | undefined;
      let relu = convolution.activation?.getClassName() === 'relu';
      const next = follower(end);
      if (!relu && next !== undefined) {
        batchNormalization = asBatchNormalization(next.sourceLayer);
        if (batchNormalization !== undefined) {
          absorbed.add(next.id);
          end = next;
        }
      }
      const after = follower(end);
      if (!relu && after !== undefined && isRelu(after.sourceLayer)) {
        relu = true;
        absorbed.add(after.id);
        end = after;
      }
      let input = tensor.inputs[0]!;
      let padding: SpatialPadding | undefined;
      const padded = input.id === graph.input.id || consumers.get(input.id) !== 1 ? undefined : zeroPadding(input.sourceLayer);
      if (padded !== undefined && convolution.padding === 'valid' && input.inputs.length === 1) {
        // The padding step was skipped when it came up (see below): the convolution reads what it padded.
        padding = padded;
        input = input.inputs[0]!;
      }
      steps.push({ kind: 'convolution', input: input.id, output: end.id, convolution, batchNormalization, relu, padding });
      continue;
    }
    if (zeroPadding(layer) !== undefined && tensor.inputs.length === 1) {
      const reader = follower(tensor);
      const readerConvolution = reader === undefined ? undefined : asConvolution(reader.sourceLayer);
      if (readerConvolution !== undefined && readerConvolution.padding === 'valid' && reader!.inputs.length === 1) {
        // Folded into the convolution that reads it.
        continue;
      }
    }
    if (className(layer) === 'Add' && tensor.inputs.length >= 2) {
      const next = follower(tensor);
      const relu = next !== undefined && isRelu(next.sourceLayer);
      if (relu) {
        absorbed.add(next.id);
      }
      steps.push({ kind: 'add', inputs: tensor.inputs.map((dependency) => dependency.id), output: relu ? next.id : tensor.id, relu });
      continue;
    }
    if (isRelu(layer) && tensor.inputs.length === 1) {
      steps.push({ kind: 'relu', input: tensor.inputs[0]!.id, output: tensor.id });
      continue;
    }
    steps.push({ kind: 'layer', inputs: tensor.inputs.map((dependency) => dependency.id), output: tensor.id, layer, callArgs: { ...(tensor.callArgs ?? {}) } });
  }
  const readers = new Map<number, number>([[graph.output.id, 1]]);
  for (const step of steps) {
    for (const id of step.kind === 'convolution' || step.kind === 'relu' ? [step.input] : step.inputs) {
      readers.set(id, (readers.get(id) ?? 0) + 1);
    }
  }
  return { input: graph.input.id, output: graph.output.id, steps, readers };
}
