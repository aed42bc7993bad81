import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isSoftwareAdapter } from './webgpu-adapter.js';

/** What a probe of the WebGPU adapter found. */
export interface WebgpuProbe {
  /** Whether Dawn gave an adapter. */
  found: boolean;
  /** Whether that adapter computes on the CPU (lavapipe, SwiftShader...). */
  software?: boolean;
  /** Its description, or why there is none. */
  detail: string;
}

/** The probe, run in a child Node: open Dawn, ask for an adapter, print its facts as one JSON line (null: none). */
const PROBE_SCRIPT = `
const { create } = await import(process.argv[1]);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter?.info ?? {};
const facts = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isFallbackAdapter: info.isFallbackAdapter ?? adapter?.isFallbackAdapter };
process.stdout.write(JSON.stringify({ adapter: adapter ? facts : null }) + '\\n');
process.exit(0);
`;

type AdapterFacts = Parameters<typeof isSoftwareAdapter>[0];

/**
 * Asks Dawn for its adapter in a child process, so that what Dawn and the Vulkan loader print (driver warnings,
 * a missing loader) stays out of this process's output: `auto` uses it to skip webgpu quietly where it would
 * not be chosen. Resolves (never rejects) within `timeoutMs`.
 */
export function probeWebgpuAdapter(timeoutMs = 30_000): Promise<WebgpuProbe> {
  let dawn: string;
  try {
    dawn = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    return Promise.resolve({ found: false, detail: 'the npm package webgpu is not installed' });
  }
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', PROBE_SCRIPT, dawn], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) => {
      const line = stdout.trim().split('\n').filter((text) => text.startsWith('{')).pop();
      if (line !== undefined) {
        try {
          const { adapter } = JSON.parse(line) as { adapter: AdapterFacts | null };
          resolve(adapter === null
            ? { found: false, detail: 'no WebGPU adapter' }
            : { found: true, software: isSoftwareAdapter(adapter), detail: adapter.description || adapter.device || 'unnamed adapter' });
          return;
        } catch {
          // fall through: not the probe's line
        }
      }
      resolve({ found: false, detail: `the WebGPU probe failed (${error?.message.split('\n')[0] ?? 'no output'})` });
    });
  });
}
