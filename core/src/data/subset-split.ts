import { resolveBatchOrder } from './batch-order.js';
import type { BatchOptions, DataSplit, LabelledSplit, RawBatch } from './dataset-types.js';

/**
 * A view of some positions of another split: position `i` of the view is position `positions[i]` of `base`.
 * Batches report positions within the view.
 */
export class SubsetSplit implements LabelledSplit {
  /** Images in the view. */
  readonly count: number;
  /** Class index of each position of the view. */
  readonly labels: Int32Array;

  /**
   * @param base - the full split
   * @param positions - positions of `base` in the view, in view order (read by checks of the files the view uses)
   * @param baseLabels - the labels of `base`
   */
  constructor(
    private readonly base: DataSplit,
    readonly positions: Int32Array,
    baseLabels: Int32Array,
  ) {
    this.count = positions.length;
    this.labels = positions.map((position) => baseLabels[position]);
  }

  async *batches(options: BatchOptions): AsyncIterable<RawBatch> {
    const order = resolveBatchOrder(this.count, options.batchSize, options.order);
    const baseOrder = order.map((position) => this.positions[position]);
    let start = 0;
    for await (const batch of this.base.batches({ batchSize: options.batchSize, order: baseOrder })) {
      yield { ...batch, indices: order.slice(start, start + batch.count) };
      start += batch.count;
    }
  }
}
