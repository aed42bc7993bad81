import { selectBackend } from '../select-backend.js';

/**
 * Whether the webgpu backend loads here (Dawn for Node, a Vulkan loader and an adapter, lavapipe in CI). When it
 * does not and `ADVBENCH_REQUIRE_WEBGPU=1` (set by .ci/run, which installs lavapipe), this throws the load error,
 * so CI can never skip the webgpu tests silently. Elsewhere the caller skips them and says why.
 */
export async function webgpuAvailable(): Promise<{ available: boolean; reason?: string }> {
  try {
    await selectBackend('webgpu');
    return { available: true };
  } catch (error) {
    if (process.env.ADVBENCH_REQUIRE_WEBGPU === '1') throw error;
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
