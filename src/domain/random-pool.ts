import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 512;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/**
 * `length` bytes from the system's CSPRNG, drawn from a block that is refilled once used up: one
 * call into the CSPRNG per 512 bytes, not one per id. Each byte is handed out once. (The `ulid`
 * package's default source made one call per character, 16 per id.)
 *
 * @example
 * pooledRandomBytes(12).toString('hex'); // e.g. '9f2c0d4e1a2b3c4d5e6f7a8b'
 */
export function pooledRandomBytes(length: number): Buffer {
  if (length > POOL_BYTES) return randomFillSync(Buffer.alloc(length));
  if (used + length > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + length));
  used += length;
  return bytes;
}

/** A random fraction in [0, 1) with 256 steps, as `ulid` expects of its source. */
export const randomFraction = (): number => (pooledRandomBytes(1)[0] ?? 0) / 256;
