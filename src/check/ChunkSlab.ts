/**
 * Typed-array chunks carved from shared 1 MB buffers. Each `new Int8Array(4096)` gets its own
 * backing store outside the JavaScript heap (an allocation, zeroing and the collector's
 * bookkeeping of external memory): for the history's columns, tens of thousands of chunks
 * a long run, that was about 2% of a steady run. A view on a shared buffer costs a small
 * heap object. A buffer lives while any chunk carved from it does; a chunk replaced by a
 * wider one leaves its bytes unused until then (rare: values set long after their row).
 */
const SLAB_BYTES = 1 << 20;

let slab = new ArrayBuffer(0);
let usedBytes = 0;

/** The byte offset of `bytes` fresh (zeroed) bytes in `slab`, aligned for any element size (a multiple of 8). */
function carve(bytes: number): number {
  const aligned = (bytes + 7) & ~7;
  if (aligned > SLAB_BYTES) throw new RangeError(`ChunkSlab: a chunk of ${bytes} bytes is larger than a slab`);
  if (usedBytes + aligned > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    usedBytes = 0;
  }
  const offset = usedBytes;
  usedBytes += aligned;
  return offset;
}

export function int8Chunk(length: number): Int8Array {
  const offset = carve(length);
  return new Int8Array(slab, offset, length);
}

export function int16Chunk(length: number): Int16Array {
  const offset = carve(2 * length);
  return new Int16Array(slab, offset, length);
}

export function int32Chunk(length: number): Int32Array {
  const offset = carve(4 * length);
  return new Int32Array(slab, offset, length);
}

export function float64Chunk(length: number): Float64Array {
  const offset = carve(8 * length);
  return new Float64Array(slab, offset, length);
}
