import { assert } from "../../../sim/index.ts";

/**
 * buffer.memory as Kafka's BufferPool counts it: each batch holds max(batch.size, its own
 * size) from creation until it completes. Only the accounting is modelled; who waits for
 * memory, and in what order, is the producer's queue of blocked sends (a send blocks the
 * application's thread, so later sends queue behind it, first come first served).
 */
export class BufferPool {
  private availableBytes: number;

  constructor(readonly totalBytes: number) {
    assert(totalBytes > 0, "buffer.memory must be positive");
    this.availableBytes = totalBytes;
  }

  get available(): number {
    return this.availableBytes;
  }

  tryAllocate(bytes: number): boolean {
    assert(bytes > 0 && bytes <= this.totalBytes, `allocation of ${bytes} bytes from a pool of ${this.totalBytes}`);
    if (bytes > this.availableBytes) return false;
    this.availableBytes -= bytes;
    return true;
  }

  release(bytes: number): void {
    this.availableBytes += bytes;
    assert(this.availableBytes <= this.totalBytes, "buffer pool released more than it lent");
  }
}
