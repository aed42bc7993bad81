import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { ADVBENCH_RELU_GRAD } from '../wasm-kernels/advbench-kernel-names.js';
import { foldedConvolution } from './folded-convolution.js';
import { foldedWeights } from './folded-weights.js';
import type { InferencePlan, InferenceStep } from './inference-plan.js';

function recordingGradients(): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

function read(values: Map<number, Tensor>, id: number): Tensor {
  const value = values.get(id);
  if (value === undefined) {
    throw new Error(`folded inference: tensor ${id} is read before it is computed`);
  }
  return value;
}

function runStep(step: InferenceStep, values: Map<number, Tensor>): Tensor {
  switch (step.kind) {
    case 'convolution':
      return foldedConvolution(read(values, step.input) as Tensor4D, foldedWeights(tf.backend(), step), step);
    case 'add': {
      const sum = step.inputs.map((id) => read(values, id)).reduce((total, value) => tf.add(total, value));
      return step.relu ? tf.relu(sum) : sum;
    }
    case 'relu':
      return tf.relu(read(values, step.input));
    case 'layer': {
      const inputs = step.inputs.map((id) => read(values, id));
      return step.layer.apply(inputs.length === 1 ? inputs[0]! : inputs, { ...step.callArgs, training: false }) as Tensor;
    }
  }
}

/**
 * Runs a model's inference-mode forward pass by its plan, inside one tidy. Outside gradient recording each
 * intermediate is released as soon as its last reader has run (as tfjs-layers' executor does); while a gradient
 * is recorded the tape keeps what it needs and the tidy releases the rest.
 */
export function runInferencePlan(plan: InferencePlan, x: Tensor): Tensor {
  return tf.tidy(() => {
    const release = !recordingGradients();
    const values = new Map<number, Tensor>([[plan.input, x]]);
    const remaining = new Map(plan.readers);
    for (const step of plan.steps) {
      const output = runStep(step, values);
      values.set(step.output, output);
      if (!release) {
        continue;
      }
      for (const id of step.kind === 'convolution' || step.kind === 'relu' ? [step.input] : step.inputs) {
        const left = (remaining.get(id) ?? 1) - 1;
        remaining.set(id, left);
        if (left === 0 && id !== plan.input) {
          values.get(id)?.dispose();
          values.delete(id);
        }
      }
    }
    return read(values, plan.output);
  });
}

/** Whether advbench's folded kernels can run now (the wasm backend with advbench's ReLU gradient registered). */
export function foldedKernelsAvailable(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(ADVBENCH_RELU_GRAD, 'wasm') !== undefined;
}
