import type { ImageShape } from '../plugin-api/index.js';
import { resolveBatchOrder } from './batch-order.js';
import type { BatchOptions, LabelledSplit, RawBatch } from './dataset-types.js';

/**
 * A split held in memory as bytes (NHWC uint8, 0..255). Each batch is converted to float32 in [0, 1] when it is
 * read, so only one batch of floats exists at a time.
 */
export class InMemorySplit implements LabelledSplit {
  /** Images in the split. */
  readonly count: number;
  private readonly imageSize: number;

  /**
   * @param pixels - `count * height * width * channels` bytes, NHWC
   * @param labels - class index of each image
   * @param shape - [height, width, channels]
   */
  constructor(
    private readonly pixels: Uint8Array,
    readonly labels: Int32Array,
    private readonly shape: ImageShape,
  ) {
    this.count = labels.length;
    this.imageSize = shape[0] * shape[1] * shape[2];
    if (pixels.length !== this.count * this.imageSize) {
      throw new RangeError(`in-memory split: ${pixels.length} pixel bytes for ${this.count} images of shape [${shape.join(', ')}]`);
    }
  }

  async *batches(options: BatchOptions): AsyncIterable<RawBatch> {
    const order = resolveBatchOrder(this.count, options.batchSize, options.order);
    for (let start = 0; start < order.length; start += options.batchSize) {
      const indices = order.slice(start, start + options.batchSize);
      yield this.batchAt(indices);
    }
  }

  private batchAt(indices: Int32Array): RawBatch {
    const size = this.imageSize;
    const images = new Float32Array(indices.length * size);
    const labels = new Int32Array(indices.length);
    for (let item = 0; item < indices.length; item += 1) {
      const source = indices[item] * size;
      const target = item * size;
      for (let offset = 0; offset < size; offset += 1) images[target + offset] = this.pixels[source + offset] / 255;
      labels[item] = this.labels[indices[item]];
    }
    return { images, labels, count: indices.length, shape: [...this.shape], indices };
  }
}
