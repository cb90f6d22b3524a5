import { VoxwireError } from '../errors.js';

/**
 * The destination of a typed-array operation: `out` itself, a view of its first `length` elements
 * when longer, or `create(length)` when absent. @internal
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` (naming `what`) when `out` is shorter than `length`.
 */
export function outputFor<T extends Uint8Array | Int16Array | Float32Array>(
  out: T | undefined,
  length: number,
  create: (length: number) => T,
  what: string,
): T {
  if (out === undefined) return create(length);
  if (out.length < length) {
    throw new VoxwireError(
      'ERR_INVALID_ARGUMENT',
      `${what}: out holds ${out.length} samples but ${length} are needed`,
    );
  }
  return out.length === length ? out : (out.subarray(0, length) as T);
}
