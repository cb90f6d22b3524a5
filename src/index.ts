/**
 * voxwire: real-time voice calls for Node.js.
 *
 * @packageDocumentation
 */
export type { VoxwireErrorCode } from './errors.js';
export { isVoxwireError, VoxwireError } from './errors.js';
