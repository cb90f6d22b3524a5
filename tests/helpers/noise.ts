/** Coloured noise for tests and benches. */

/**
 * Pink noise (−3 dB/octave) from white: Paul Kellet's filter, within 0.05 dB above ~10 Hz at
 * 44.1 kHz (close enough at speech rates). Writes into `out` (may be `white` itself).
 */
export function pinkFromWhite(
  white: Float32Array,
  out: Float32Array = new Float32Array(white.length),
): Float32Array {
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let b4 = 0;
  let b5 = 0;
  let b6 = 0;
  for (let i = 0; i < white.length; i++) {
    const w = white[i];
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  return out;
}
