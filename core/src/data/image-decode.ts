import sharp from 'sharp';
import { corruptFile } from './dataset-errors.js';

/** How {@link decodeImage} sizes an image. */
export interface ImageGeometry {
  /** The shorter side is resized to this many pixels (aspect ratio kept). */
  resize: number;
  /** Then a centred `crop x crop` square is cut out (`crop <= resize`). */
  crop: number;
}

/**
 * Decodes an image file (JPEG, PNG, WebP... anything sharp reads) to `crop * crop * 3` RGB bytes, HWC:
 * the shorter side is resized to `resize` (bilinear with antialiasing, like torchvision's default), then centre-cropped.
 * Greyscale images are expanded to RGB; alpha is dropped. A file that fails to decode is an exit-2 error naming it.
 */
export async function decodeImage(path: string, geometry: ImageGeometry): Promise<Uint8Array> {
  try {
    const image = sharp(path, { failOn: 'error' });
    const metadata = await image.metadata();
    const width = metadata.width;
    const height = metadata.height;
    if (!width || !height) throw new Error('no image dimensions');
    const scale = geometry.resize / Math.min(width, height);
    const resizedWidth = Math.max(geometry.resize, Math.round(width * scale));
    const resizedHeight = Math.max(geometry.resize, Math.round(height * scale));
    const left = Math.floor((resizedWidth - geometry.crop) / 2);
    const top = Math.floor((resizedHeight - geometry.crop) / 2);
    const { data, info } = await image
      .removeAlpha()
      .toColourspace('srgb')
      .resize(resizedWidth, resizedHeight, { fit: 'fill', kernel: 'linear' })
      .extract({ left, top, width: geometry.crop, height: geometry.crop })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== geometry.crop * geometry.crop * 3) {
      throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${geometry.crop}x${geometry.crop}x3`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    throw corruptFile(path, `image fails to decode (${(error as Error).message})`, error);
  }
}
