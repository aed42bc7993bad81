import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '../../plugin-api/index.js';

/** A tfjs-layers symbolic tensor with the (internal) fields that describe where it came from. */
export interface GraphTensor {
  /** Unique id of the symbolic tensor. */
  id: number;
  /** The layer whose call produced it. */
  sourceLayer: tfl.layers.Layer;
  /** The symbolic tensors that call took (empty for an input). */
  inputs: GraphTensor[];
  /** Keyword arguments the call was made with. */
  callArgs?: Record<string, unknown>;
  /** Which of the layer's outputs this is. */
  outputTensorIndex?: number;
}

/** A model's layer graph as the folded inference runs it. */
export interface InferenceGraph {
  /** The model's one input. */
  input: GraphTensor;
  /** The model's one output. */
  output: GraphTensor;
  /** Every tensor from the input to the output, each after the tensors it depends on. */
  order: GraphTensor[];
  /** How many calls take each tensor (by id); the model's output counts one more. */
  consumers: Map<number, number>;
}

/**
 * The layer graph of a functional tfjs-layers model with one input and one output, every layer producing one
 * tensor: the tensors in dependency order and how many calls read each. `undefined` for anything else (several
 * inputs or outputs, multi-output layers, a graph it cannot walk): those models keep tfjs-layers' own execution.
 */
export function inferenceGraph(model: LayersModel): InferenceGraph | undefined {
  const internals = model as unknown as { inputs?: GraphTensor[]; outputs?: GraphTensor[] };
  const inputs = internals.inputs;
  const outputs = internals.outputs;
  if (inputs?.length !== 1 || outputs?.length !== 1) {
    return undefined;
  }
  const [input] = inputs as [GraphTensor];
  const [output] = outputs as [GraphTensor];
  const order: GraphTensor[] = [];
  const consumers = new Map<number, number>([[output.id, 1]]);
  const state = new Map<number, 'visiting' | 'done'>();
  // Iterative depth-first walk from the output (deep ResNets would overflow a recursive one).
  const stack: Array<{ tensor: GraphTensor; next: number }> = [{ tensor: output, next: 0 }];
  state.set(output.id, 'visiting');
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const { tensor } = frame;
    if (!Array.isArray(tensor.inputs) || (tensor.outputTensorIndex ?? 0) !== 0) {
      return undefined;
    }
    if (tensor.id === input.id) {
      stack.pop();
      state.set(tensor.id, 'done');
      order.push(tensor);
      continue;
    }
    if (tensor.inputs.length === 0) {
      // A tensor with no inputs that is not the model's input: another input layer or a constant.
      return undefined;
    }
    if (frame.next < tensor.inputs.length) {
      const dependency = tensor.inputs[frame.next]!;
      frame.next += 1;
      consumers.set(dependency.id, (consumers.get(dependency.id) ?? 0) + 1);
      const seen = state.get(dependency.id);
      if (seen === 'visiting') {
        return undefined;
      }
      if (seen === undefined) {
        state.set(dependency.id, 'visiting');
        stack.push({ tensor: dependency, next: 0 });
      }
      continue;
    }
    stack.pop();
    state.set(tensor.id, 'done');
    order.push(tensor);
  }
  return state.get(input.id) === 'done' ? { input, output, order, consumers } : undefined;
}
