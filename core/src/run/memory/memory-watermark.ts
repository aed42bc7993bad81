import type { EventBus } from '../../events/event-bus.js';
import type { TensorFlow } from '../../plugin-api/index.js';
import { readMemoryUsage, type MemoryUsage } from './memory-usage.js';

/** Memory of one stage of a run: what was in use at its end and the most seen during it. */
export interface StageMemory {
  /** Memory in use when the stage began. */
  before: MemoryUsage;
  /** Memory in use at its end. */
  after: MemoryUsage;
  /** Most tensor bytes seen during the stage (sampled at each training and attack progress event, and at its ends). */
  peakTensorBytes: number;
}

/**
 * Follows a run's memory stage by stage. Samples `tf.memory()` at every `train-progress` and `cell-progress` event
 * on the bus (training and attacks report progress between steps), and at each stage boundary. On wasm the heap
 * only grows, so its size at a stage's end is the run's high-water mark so far, exact, not sampled.
 */
export class MemoryWatermark {
  private stageBefore: MemoryUsage;
  private stagePeak: number;
  private readonly unsubscribe: () => void;

  /**
   * @param tf - the run's TensorFlow.js
   * @param events - the run's bus, whose progress events trigger samples
   */
  constructor(
    private readonly tf: TensorFlow,
    events: EventBus,
  ) {
    this.stageBefore = readMemoryUsage(tf);
    this.stagePeak = this.stageBefore.tensorBytes;
    this.unsubscribe = events.subscribe((event) => {
      if (event.type === 'train-progress' || event.type === 'cell-progress') this.sample();
    });
  }

  /** Samples the tensor bytes in use now. */
  sample(): void {
    this.stagePeak = Math.max(this.stagePeak, this.tf.memory().numBytes);
  }

  /** Memory in use when the current stage began. */
  get current(): MemoryUsage {
    return this.stageBefore;
  }

  /** Ends the current stage (returning its memory) and begins the next. */
  endStage(): StageMemory {
    const after = readMemoryUsage(this.tf);
    const stage = { before: this.stageBefore, after, peakTensorBytes: Math.max(this.stagePeak, after.tensorBytes) };
    this.stageBefore = after;
    this.stagePeak = after.tensorBytes;
    return stage;
  }

  /** Stops sampling. */
  close(): void {
    this.unsubscribe();
  }
}
