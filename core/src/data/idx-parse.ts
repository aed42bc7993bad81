import { corruptFile } from './dataset-errors.js';

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  /** Dimensions, outermost first (for images [count, height, width] or [count, height, width, channels]). */
  dimensions: number[];
  /** The values, row-major; a view into the file's bytes (no copy). */
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

/**
 * Parses an IDX file (the MNIST format: magic `00 00 <type> <rank>`, big-endian uint32 dimensions, then data).
 * Only unsigned-byte data is accepted. A wrong magic number, a rank other than `expectedRanks`, or a data section
 * shorter or longer than the dimensions say is an exit-2 error naming `path`.
 */
export function parseIdx(bytes: Uint8Array, path: string, expectedRanks: readonly number[]): IdxArray {
  if (bytes.length < 4) throw corruptFile(path, `is ${bytes.length} bytes long, too short for an IDX header (truncated)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (value) => value.toString(16).padStart(2, '0')).join(' ');
    throw corruptFile(path, `wrong magic number ${magic}: not an IDX file (expected 00 00 08 <rank>)`);
  }
  const type = bytes[2];
  if (type !== UNSIGNED_BYTE) {
    throw corruptFile(path, `IDX data type 0x${type.toString(16).padStart(2, '0')} (${TYPE_NAMES[type] ?? 'unknown'}) is not supported; only unsigned bytes (0x08)`);
  }
  const rank = bytes[3];
  if (!expectedRanks.includes(rank)) throw corruptFile(path, `IDX rank ${rank} where ${expectedRanks.join(' or ')} was expected`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw corruptFile(path, `is ${bytes.length} bytes long, shorter than its ${headerLength}-byte IDX header (truncated)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions: number[] = [];
  for (let axis = 0; axis < rank; axis += 1) dimensions.push(view.getUint32(4 + 4 * axis, false));
  const expected = dimensions.reduce((product, size) => product * size, 1);
  const actual = bytes.length - headerLength;
  if (actual < expected) {
    throw corruptFile(path, `truncated: dimensions [${dimensions.join(', ')}] need ${expected} data bytes, the file has ${actual}`);
  }
  if (actual > expected) {
    throw corruptFile(path, `${actual - expected} unexpected bytes after the data of dimensions [${dimensions.join(', ')}]`);
  }
  return { dimensions, data: bytes.subarray(headerLength) };
}
