import { decodeCnPayload } from './dsp/index.js';
import type { BufferedPacket } from './packet-buffer.js';
import { PLAYED_RING, type PlayoutContext } from './playout-context.js';

/**
 * True for a payload that says "the sender is silent" rather than carrying audio: an empty payload
 * (any codec), or an Opus packet of 1–2 bytes (libopus DTX; its frame decodes to concealment, which
 * would count silence as loss).
 * @internal
 */
export function isDtxPayload(c: PlayoutContext, payload: Uint8Array): boolean {
  return payload.length === 0 || (payload.length <= 2 && c.o.codec.info.name === 'opus');
}

/** Decodes the head packet onto the sync buffer. False when nothing was added. @internal */
export function decodeNext(c: PlayoutContext): boolean {
  const n = decodeInto(c, c.decoded);
  if (n <= 0) return false;
  c.sync.append(c.decoded, n);
  return true;
}

/**
 * Pops and decodes the head packet into `dst` (float); returns samples, 0 for CN/DTX or an error.
 * Accounts the W3C delay statistics of what was decoded.
 * @internal
 */
export function decodeInto(c: PlayoutContext, dst: Float32Array): number {
  const p = c.buffer.pop();
  if (p === undefined) return 0;
  c.lastSeq = p.sequence;
  c.played[p.sequence % PLAYED_RING] = p.sequence;
  if (p.payloadType === c.o.comfortNoisePayloadType) {
    try {
      decodeCnPayload(p.payload, c.cnParams);
      c.cnFromPacket = true;
      c.cng.setFromCn(c.cnParams);
    } catch {
      c.stats.decodeErrors++;
    }
    startSilence(c, p);
    return 0;
  }
  if (isDtxPayload(c, p.payload)) {
    c.cnFromPacket = false;
    startSilence(c, p);
    return 0;
  }
  let pcm: Int16Array;
  try {
    pcm = c.o.codec.decode(p.payload);
  } catch {
    c.stats.decodeErrors++;
    c.nextTs = p.timestamp + c.packetTs;
    return 0;
  }
  if (pcm.length === 0) {
    // A codec's own DTX frame: the sender went silent.
    c.cnFromPacket = false;
    startSilence(c, p);
    return 0;
  }
  const n = Math.min(pcm.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = pcm[i] / 32768;
  // Insertion happened somewhere in the tick before `insertTick + 1`: count half a tick less.
  const waitMs = Math.max(0, (c.tick - p.insertTick) * 10 - 5) + (c.sync.futureSamples * 1000) / c.rateHz;
  c.stats.jitterBufferDelay += (waitMs / 1000) * n;
  c.stats.jitterBufferTargetDelay += (c.dm.targetDelayMs / 1000) * n;
  c.stats.jitterBufferEmittedCount += n;
  c.packetTs = Math.round(n / c.samplesPerTs);
  c.nextTs = p.timestamp + c.packetTs;
  c.comfortNoise = false;
  c.cnFromPacket = false;
  c.generated = 0;
  return n;
}

function startSilence(c: PlayoutContext, p: BufferedPacket): void {
  c.comfortNoise = true;
  c.nextTs = p.timestamp;
}
