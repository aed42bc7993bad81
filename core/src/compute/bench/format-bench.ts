import type { BenchResult } from './run-bench.js';
import { formatAdapter } from '../webgpu-adapter.js';

/** Human-readable `advbench bench` output: the setting, then one line per timed operation. */
export function formatBench(result: BenchResult): string {
  const info = result.backendInfo;
  const backend = info.webgpu === undefined
    ? `${info.name} (${info.package} ${info.version}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${info.simd ? ', SIMD' : ''}${info.gpu ? ', GPU' : ''})`
    : `${info.name} (${info.package} ${info.version}, adapter ${formatAdapter(info.webgpu)})`;
  return [
    `${result.model}${result.model === 'bench-resnet' ? ` width ${result.width}` : ''}, ${result.size}x${result.size}x${result.channels}, ${result.classes} classes, batch ${result.batch}, ${result.params} parameters`,
    `backend     ${backend}`,
    `forward     ${result.fwdMs.toFixed(2)} ms`,
    `input grad  ${result.inputGradMs.toFixed(2)} ms  (one PGD step's work)`,
    `train step  ${result.trainStepMs.toFixed(2)} ms  (SGD, momentum 0.9)`,
    `median of ${result.repeat} runs after ${result.warmup} warm-up runs`,
  ].join('\n');
}
