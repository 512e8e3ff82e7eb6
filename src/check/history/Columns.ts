/**
 * Growable typed-array columns: a history keeps one column per field instead of one object
 * per record, so ten million records cost tens of bytes each, not hundreds. Capacity grows
 * by half again when full (not doubling) to bound the slack at a third of the used size.
 */

type TypedArray = Float64Array | Uint32Array | Int32Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

const INITIAL_CAPACITY = 1024;

class Column<T extends TypedArray> {
  protected data: T;
  private size = 0;

  constructor(private readonly make: TypedArrayConstructor<T>) {
    this.data = new make(INITIAL_CAPACITY);
  }

  get length(): number {
    return this.size;
  }

  /** Bytes held by the backing array (used and spare capacity). */
  get capacityBytes(): number {
    return this.data.byteLength;
  }

  /** The used part of the column, as a view (no copy). */
  view(): T {
    return this.data.subarray(0, this.size) as T;
  }

  push(value: number): number {
    if (this.size === this.data.length) this.grow();
    this.data[this.size] = value;
    return this.size++;
  }

  get(index: number): number {
    return this.data[index]!;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  private grow(): void {
    const next = new this.make(Math.ceil(this.data.length * 1.5));
    next.set(this.data);
    this.data = next;
  }
}

/** Times in microseconds, value ids and offsets (all integers below 2^53). */
export class Float64Column extends Column<Float64Array> {
  constructor() {
    super(Float64Array);
  }
}

/** Interned ids and row numbers. */
export class Uint32Column extends Column<Uint32Array> {
  constructor() {
    super(Uint32Array);
  }
}

/** Partitions and generations, where -1 means unknown. */
export class Int32Column extends Column<Int32Array> {
  constructor() {
    super(Int32Array);
  }
}

/** Small enumerations (op kinds, completion types). */
export class Uint8Column extends Column<Uint8Array> {
  constructor() {
    super(Uint8Array);
  }
}
