import type { BufferedPacket, PlayoutPacket } from './packet-buffer.js';
import { PLAYED_RING, type PlayoutContext, resetStream } from './playout-context.js';

/**
 * Takes one received packet into the playout: validates it, unpacks RED, detects SSRC changes and
 * timestamp jumps (reset), refuses duplicates and packets older than what was played, feeds the
 * delay manager and queues the packet. Never throws: bad input is counted and dropped.
 * @internal
 */
export function insertPacket(c: PlayoutContext, packet: PlayoutPacket, arrivalMs: number): void {
  const { sequenceNumber: seq, timestamp: ts, payloadType: pt } = packet;
  if (
    !Number.isInteger(seq) ||
    seq < 0 ||
    seq > 0xffff ||
    !Number.isInteger(ts) ||
    ts < 0 ||
    ts > 0xffffffff ||
    !(packet.payload instanceof Uint8Array) ||
    !Number.isFinite(arrivalMs)
  ) {
    c.stats.packetsDiscarded++;
    return;
  }
  if (c.ssrc !== undefined && packet.ssrc !== c.ssrc) resetStream(c);
  c.ssrc = packet.ssrc;
  if (c.red !== undefined) {
    if (pt === c.o.redPayloadType) {
      const result = c.red.push(packet.payload, seq, ts);
      if (!result.ok) {
        c.stats.decodeErrors++;
        return;
      }
      for (const f of result.frames) {
        queue(c, f.sequenceNumber, f.timestamp, f.payloadType, f.payload, false, arrivalMs, f.recovered);
      }
      return;
    }
    if (!c.red.markDelivered(seq)) {
      c.stats.packetsDuplicated++;
      return;
    }
  }
  queue(c, seq, ts, pt, packet.payload, packet.marker === true, arrivalMs, false);
}

function queue(
  c: PlayoutContext,
  seq16: number,
  ts32: number,
  payloadType: number,
  payload: Uint8Array,
  marker: boolean,
  arrivalMs: number,
  recovered: boolean,
): void {
  const isCn = payloadType === c.o.comfortNoisePayloadType;
  if (!isCn && payloadType !== c.o.codec.info.payloadType) {
    c.stats.packetsDiscarded++; // another stream's payload type: not ours to decode
    return;
  }
  let ts = c.ts.unwrap(ts32);
  if (!Number.isNaN(c.lastArrivalMs) && !recovered) {
    const tsMs = ((ts - c.lastArrivalTs) * 1000) / c.o.codec.info.clockRateHz;
    if (Math.abs(tsMs - (arrivalMs - c.lastArrivalMs)) > c.o.timestampJumpResetMs) {
      resetStream(c);
      ts = c.ts.unwrap(ts32);
    }
  }
  const seq = c.seq.unwrap(seq16);
  if (c.played[seq % PLAYED_RING] === seq) {
    c.stats.packetsDuplicated++;
    return;
  }
  if (c.started && ts < c.nextTs) {
    c.stats.packetsDiscarded++;
    return;
  }
  // A frame rebuilt from RED counts as arriving now: late, which is what the target must cover.
  if (marker && !recovered) c.dm.restartWindow();
  c.dm.update(ts, arrivalMs);
  if (!recovered) {
    if (Number.isNaN(c.lastArrivalMs) || ts > c.lastArrivalTs) c.lastArrivalTs = ts;
    c.lastArrivalMs = arrivalMs;
  }
  const entry: BufferedPacket = {
    sequence: seq,
    timestamp: ts,
    payloadType,
    payload: payload.slice(),
    marker,
    insertTick: c.tick,
  };
  const result = c.buffer.insert(entry);
  if (result === 'duplicate') c.stats.packetsDuplicated++;
  else if (result === 'flushed') c.stats.packetsDiscarded += c.buffer.lastFlushed;
}
