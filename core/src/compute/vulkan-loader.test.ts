import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findVulkanLoader, VULKAN_LOADER } from './vulkan-loader.js';

describe('findVulkanLoader', () => {
  it('finds libvulkan.so.1 on LD_LIBRARY_PATH before the system folders', () => {
    const folder = mkdtempSync(join(tmpdir(), 'advbench-vulkan-'));
    try {
      expect(findVulkanLoader({ LD_LIBRARY_PATH: folder })).not.toBe(join(folder, VULKAN_LOADER));
      writeFileSync(join(folder, VULKAN_LOADER), '');
      expect(findVulkanLoader({ LD_LIBRARY_PATH: `/nonexistent:${folder}` })).toBe(join(folder, VULKAN_LOADER));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
