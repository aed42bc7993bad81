import type { DefenseResult } from '@advbench/core';
import { pngDataUrl, type PixelImage } from './png-data-url.js';

/** One image shown for a defense (an INN background, for example) as an inline URL; only `data:image/...` is accepted. */
export interface InlineImage {
  /** Caption. */
  label: string;
  /** A `data:image/png;base64,...` (or jpeg, gif, webp) URL. Anything else is dropped: the report loads nothing. */
  dataUrl: string;
}

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/;

/** True when `value` is an inline image URL the report may embed. */
export function isInlineImage(value: unknown): value is string {
  return typeof value === 'string' && DATA_IMAGE.test(value);
}

/**
 * Images a defense describes of itself: `description.images` as `[{ label, dataUrl }]` or data URLs, and
 * `description.backgrounds` as data URLs. Anything that is not an inline data URL is ignored.
 */
export function imagesFromDescription(defense: DefenseResult): InlineImage[] {
  const found: InlineImage[] = [];
  for (const key of ['images', 'backgrounds']) {
    const value = defense.description?.[key];
    if (!Array.isArray(value)) continue;
    value.forEach((item, index) => {
      if (isInlineImage(item)) found.push({ label: `${key === 'backgrounds' ? 'background' : 'image'} ${index + 1}`, dataUrl: item });
      else if (typeof item === 'object' && item !== null && isInlineImage((item as InlineImage).dataUrl)) {
        found.push({ label: String((item as InlineImage).label ?? `image ${index + 1}`), dataUrl: (item as InlineImage).dataUrl });
      }
    });
  }
  return found;
}

/** An image given either inline or as pixels (the plugin API's DefenseImage), as an inline image; undefined if unusable. */
export function toInlineImage(image: InlineImage | PixelImage): InlineImage | undefined {
  if ('dataUrl' in image) return isInlineImage(image.dataUrl) ? { label: image.label, dataUrl: image.dataUrl } : undefined;
  try {
    return { label: image.label, dataUrl: pngDataUrl(image) };
  } catch {
    return undefined;
  }
}
