import { deflateSync } from 'node:zlib';

/** Pixels as a defense describes them (the plugin API's DefenseImage): row-major HWC values, any range. */
export interface PixelImage {
  /** Caption. */
  label: string;
  /** [height, width, channels], channels 1, 3 or 4. */
  shape: [number, number, number];
  /** Pixel values; [0, 1] is kept as is, anything else is rescaled min-max to [0, 1]. */
  data: Float32Array | number[];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

/** CRC-32 of a buffer (the PNG chunk checksum). */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * Encodes pixels as a `data:image/png;base64,...` URL (8-bit grey, RGB or RGBA), so the report can embed a defense's
 * images without any file or request. Throws a RangeError when the shape and the data disagree.
 */
export function pngDataUrl(image: Pick<PixelImage, 'shape' | 'data'>): string {
  const [height, width, channels] = image.shape;
  const colorType = ({ 1: 0, 3: 2, 4: 6 } as Record<number, number | undefined>)[channels];
  if (colorType === undefined || image.data.length !== height * width * channels || height < 1 || width < 1) {
    throw new RangeError(`cannot encode an image of shape [${image.shape.join(', ')}] with ${image.data.length} values`);
  }
  let low = Infinity;
  let high = -Infinity;
  for (const value of image.data) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const inUnitRange = low >= 0 && high <= 1;
  const scale = inUnitRange ? 1 : high > low ? 1 / (high - low) : 0;
  const offset = inUnitRange ? 0 : low;
  const rowLength = width * channels + 1;
  const raw = Buffer.alloc(height * rowLength);
  for (let row = 0; row < height; row += 1) {
    raw[row * rowLength] = 0;
    for (let column = 0; column < width * channels; column += 1) {
      const value = (image.data[row * width * channels + column] - offset) * scale;
      raw[row * rowLength + 1 + column] = Math.round(Math.min(1, Math.max(0, value)) * 255);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = colorType;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  return `data:image/png;base64,${png.toString('base64')}`;
}
