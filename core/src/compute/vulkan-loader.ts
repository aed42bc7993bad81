import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The file name of the Vulkan loader Dawn opens on Linux. */
export const VULKAN_LOADER = 'libvulkan.so.1';

/** Where Linux distributions put shared libraries (Debian multiarch first). */
const SYSTEM_LIBRARY_FOLDERS = [
  '/usr/lib/x86_64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/lib64',
  '/usr/lib',
  '/lib',
  '/usr/local/lib',
];

/**
 * The path of the Vulkan loader (`libvulkan.so.1`) the dynamic linker would find: the folders of
 * `LD_LIBRARY_PATH` first, then the usual system folders; undefined when none has it (Debian: `apt-get install
 * libvulkan1`). Only meaningful on Linux; elsewhere Dawn uses Metal or Direct3D and this returns undefined.
 */
export function findVulkanLoader(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnvironment = (environment.LD_LIBRARY_PATH ?? '').split(':').filter((folder) => folder.length > 0);
  for (const folder of [...fromEnvironment, ...SYSTEM_LIBRARY_FOLDERS]) {
    const candidate = join(folder, VULKAN_LOADER);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
