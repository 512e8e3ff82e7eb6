/** The URL of a bundle built from the sources as they are now, or null if there is none. */
export function freshBundle(): string | null;
/** The URL of a fresh bundle, built now if a source changed since the last one; null if it cannot be built. */
export function bundle(): Promise<string | null>;
