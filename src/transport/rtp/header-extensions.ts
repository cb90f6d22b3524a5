import { VoxwireError } from '../../errors.js';

/**
 * RFC 8285 RTP header extensions: the one-byte (profile 0xBEDE) and two-byte (profile 0x100X)
 * element forms inside the RFC 3550 extension block.
 */

/** One RFC 8285 header extension element. */
export interface RtpHeaderExtension {
  /** Local identifier negotiated in SDP (`a=extmap`): 1–14 for one-byte form, 1–255 for two-byte. */
  readonly id: number;
  /** Element data. Parsed elements are views into the packet (no copy): valid as long as it is. */
  readonly data: Uint8Array;
}

/** RFC 3550 "defined by profile" value of the RFC 8285 one-byte form. */
export const ONE_BYTE_PROFILE = 0xbede;
/** RFC 3550 "defined by profile" value of the RFC 8285 two-byte form (low 4 bits: app bits). */
export const TWO_BYTE_PROFILE = 0x1000;

const NO_EXTENSIONS: readonly RtpHeaderExtension[] = Object.freeze([]);

/** True when `profile` names an RFC 8285 form (0xBEDE, or 0x1000–0x100F). */
export function isRfc8285Profile(profile: number): boolean {
  return profile === ONE_BYTE_PROFILE || (profile & 0xfff0) === TWO_BYTE_PROFILE;
}

/**
 * Parses the RFC 8285 elements of an extension block. Padding bytes (0) are skipped; in the
 * one-byte form an element with id 15 ends parsing (RFC 8285 §4.2), keeping earlier elements.
 *
 * @param data - The packet (or any buffer); elements are views into it.
 * @param start - Offset of the first element byte (after the 4-byte block header).
 * @param end - Offset one past the block.
 * @param profile - The block's profile value; must satisfy {@link isRfc8285Profile}.
 * @returns The elements, or a string naming the problem when an element runs past the block.
 * @internal
 */
export function parseExtensionElements(
  data: Uint8Array,
  start: number,
  end: number,
  profile: number,
): readonly RtpHeaderExtension[] | string {
  const list: RtpHeaderExtension[] = [];
  let at = start;
  if (profile === ONE_BYTE_PROFILE) {
    while (at < end) {
      const b = data[at];
      const id = b >>> 4;
      if (id === 0) {
        // Padding byte; libwebrtc also skips it ignoring the length nibble.
        at++;
        continue;
      }
      if (id === 15) break;
      const length = (b & 0x0f) + 1;
      const from = at + 1;
      if (from + length > end) return `one-byte extension element id ${id} runs past the extension block`;
      list.push({ id, data: data.subarray(from, from + length) });
      at = from + length;
    }
  } else {
    while (at < end) {
      const id = data[at];
      if (id === 0) {
        at++;
        continue;
      }
      if (at + 2 > end) return `two-byte extension element id ${id} has no length byte`;
      const length = data[at + 1];
      const from = at + 2;
      if (from + length > end) return `two-byte extension element id ${id} runs past the extension block`;
      list.push({ id, data: data.subarray(from, from + length) });
      at = from + length;
    }
  }
  return list.length > 0 ? list : NO_EXTENSIONS;
}

/** True when every element fits the one-byte form (id 1–14, 1–16 data bytes). */
export function fitsOneByteForm(extensions: readonly RtpHeaderExtension[]): boolean {
  for (let i = 0; i < extensions.length; i++) {
    const e = extensions[i];
    if (e.id < 1 || e.id > 14 || e.data.length < 1 || e.data.length > 16) return false;
  }
  return true;
}

/**
 * Size of the extension block `writeExtensionBlock` writes, including its 4-byte header and
 * the zero padding to a 32-bit boundary; 0 for no elements.
 *
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` for an id outside 1–255 or data over 255 bytes.
 */
export function extensionBlockSize(extensions: readonly RtpHeaderExtension[]): number {
  if (extensions.length === 0) return 0;
  const oneByte = fitsOneByteForm(extensions);
  let bytes = 0;
  for (let i = 0; i < extensions.length; i++) {
    const e = extensions[i];
    if (!oneByte) checkTwoByte(e);
    bytes += (oneByte ? 1 : 2) + e.data.length;
  }
  return 4 + ((bytes + 3) & ~3);
}

/**
 * Writes the extension block (header, elements, zero padding) at `at`, choosing the one-byte form
 * when every element fits it, else the two-byte form. The caller sized `dst` with
 * {@link extensionBlockSize}.
 *
 * @returns The offset one past the block.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` for an id outside 1–255 or data over 255 bytes.
 */
export function writeExtensionBlock(
  dst: Uint8Array,
  at: number,
  extensions: readonly RtpHeaderExtension[],
): number {
  const oneByte = fitsOneByteForm(extensions);
  const profile = oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE;
  dst[at] = profile >>> 8;
  dst[at + 1] = profile & 0xff;
  let cursor = at + 4;
  for (let i = 0; i < extensions.length; i++) {
    const e = extensions[i];
    const n = e.data.length;
    if (oneByte) {
      dst[cursor++] = (e.id << 4) | (n - 1);
    } else {
      checkTwoByte(e);
      dst[cursor++] = e.id;
      dst[cursor++] = n;
    }
    // Elements are a few bytes: a loop beats the native set() call.
    const data = e.data;
    for (let k = 0; k < n; k++) dst[cursor + k] = data[k];
    cursor += n;
  }
  while ((cursor - at) & 3) dst[cursor++] = 0;
  const words = (cursor - at - 4) >>> 2;
  dst[at + 2] = words >>> 8;
  dst[at + 3] = words & 0xff;
  return cursor;
}

/** First element with `id`, or undefined. */
export function findHeaderExtension(
  extensions: readonly RtpHeaderExtension[] | undefined,
  id: number,
): RtpHeaderExtension | undefined {
  if (extensions === undefined) return undefined;
  for (let i = 0; i < extensions.length; i++) if (extensions[i].id === id) return extensions[i];
  return undefined;
}

function checkTwoByte(e: RtpHeaderExtension): void {
  if (!Number.isInteger(e.id) || e.id < 1 || e.id > 255) {
    throw new VoxwireError('ERR_INVALID_ARGUMENT', `header extension id ${e.id} is not an integer 1–255`);
  }
  if (e.data.length > 255) {
    throw new VoxwireError(
      'ERR_INVALID_ARGUMENT',
      `header extension id ${e.id} carries ${e.data.length} bytes; at most 255 fit`,
    );
  }
}

/** @internal Shared frozen empty list (no allocation for packets without extensions). */
export const EMPTY_EXTENSIONS = NO_EXTENSIONS;
