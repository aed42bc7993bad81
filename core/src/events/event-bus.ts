import type { RunEvent, RunEventInput } from './event-types.js';

/** Something that listens to run events: the terminal, JSON, the HTML report, the websocket server. */
export interface Reporter {
  /** Called for every event, in order. Must not block: queue slow work. */
  onEvent?(event: RunEvent): void;
  /** Called once when the run is over (also after a crash); flush and release. */
  close?(): Promise<void> | void;
}

/** A typed, synchronous event bus. A listener that throws is reported to `onListenerError` and never stops the run. */
export class EventBus {
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private sequence = 0;

  /**
   * @param runId - stamped on every event
   * @param onListenerError - told about listener failures (default: printed to stderr)
   */
  constructor(
    private runId: string,
    private readonly onListenerError: (error: unknown) => void = (error) => process.stderr.write(`advbench: a reporter failed: ${String(error)}\n`),
  ) {}

  /** Sets the run id stamped on later events. */
  setRunId(runId: string): void {
    this.runId = runId;
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stamps (sequence, time, run id) and delivers an event to every listener; returns the stamped event. */
  emit(input: RunEventInput): RunEvent {
    this.sequence += 1;
    const event = { ...input, sequence: this.sequence, time: new Date().toISOString(), runId: this.runId } as RunEvent;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    return event;
  }
}
