import type { ImageShape } from '../plugin-api/index.js';
import { countParameters, countTrainableParameters } from './count-parameters.js';
import { loadWeightsInto } from './io/load-weights-into.js';
import { buildModel, findModel } from './zoo/model-zoo.js';

/** What `advbench models describe` prints. */
export interface ModelDescription {
  /** Zoo name. */
  name: string;
  /** One line about the architecture. */
  description: string;
  /** Scalar weights, trainable and not (Keras' `count_params`). */
  parameters: number;
  /** Trainable scalar weights. */
  trainableParameters: number;
  /** Input [height, width, channels]. */
  inputShape: ImageShape;
  /** Outputs of the head (logits). */
  classes: number;
  /** Layers, the input layer included. */
  layers: number;
  /** The weights folder checked against the architecture, when one was given. */
  weights?: string;
}

/**
 * Builds the zoo model `name` (zero-filled, no initializers run, on the active tfjs backend), counts it and disposes
 * it. With `weights`, also loads that layers-format folder into it, so a converted Keras folder is checked layer by
 * layer (a wrong shape is an exit-2 error naming the layer). Defaults: the architecture's input shape and classes.
 */
export async function describeModel(name: string, options: { classes?: number; inputShape?: ImageShape; weights?: string } = {}): Promise<ModelDescription> {
  const entry = findModel(name);
  const inputShape = options.inputShape ?? entry.defaultInputShape;
  const classes = options.classes ?? entry.defaultClasses;
  const model = buildModel(name, { inputShape, classes, seed: 0, initialization: 'zeros' });
  try {
    if (options.weights !== undefined) await loadWeightsInto(model, options.weights);
    return {
      name,
      description: entry.description,
      parameters: countParameters(model),
      trainableParameters: countTrainableParameters(model),
      inputShape,
      classes,
      layers: model.layers.length,
      ...(options.weights === undefined ? {} : { weights: options.weights }),
    };
  } finally {
    model.dispose();
  }
}

/** The human-readable form of a {@link ModelDescription}. */
export function formatModelDescription(description: ModelDescription): string {
  const lines = [
    `${description.name}: ${description.description}`,
    `  parameters:  ${description.parameters.toLocaleString('en-US')} (${description.trainableParameters.toLocaleString('en-US')} trainable)`,
    `  input shape: ${description.inputShape.join('x')} (values in [0, 1])`,
    `  classes:     ${description.classes} (logits out)`,
    `  layers:      ${description.layers}`,
  ];
  if (description.weights !== undefined) lines.push(`  weights:     ${description.weights} (every layer's shapes match)`);
  return lines.join('\n');
}
