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

/** Weight of one arrival in the smoothed playout delay (about 20 packets of memory). */
const DELAY_SMOOTHING = 0.05;
/** Pull period, ms. */
const PULL_MS = 10;
/**
 * Downward creep of the latest arrival offset per arrival, ms: lets it recover from pulls that came
 * late (a loaded owner). While it is too high the delay is understated, which is the safe side.
 */
const ORIGIN_CREEP_MS = 0.02;

/**
 * One arrival's view of the playout delay beyond the fastest packet: the packet came `relativeMs`
 * after the fastest would have, the audio it carries is due `ts − playTs` after the audio at the
 * play position, and that is heard at the next pull. So the audio now playing is heard that long
 * after its earliest possible arrival. The play position counts concealment standing in for
 * missing audio (the timeline moved on).
 */
function updateDelayEstimate(c: PlayoutContext, ts: number, relativeMs: number, arrivalMs: number): void {
  // With the owner's pull times known, the next pull is exactly one period after the last.
  const known = Number.isNaN(c.lastPullMs) ? Number.NaN : c.lastPullMs + PULL_MS - arrivalMs;
  const offset = arrivalMs - c.tick * PULL_MS;
  // Arrivals between two pulls span a pull's worth of offsets; the latest came just before a pull.
  // With no spread (arrivals locked to the pull phase) the next pull is taken as imminent.
  c.latestOffsetMs = Number.isNaN(c.latestOffsetMs)
    ? offset
    : Math.max(c.latestOffsetMs - ORIGIN_CREEP_MS, offset);
  const toNextPullMs = Math.min(
    PULL_MS,
    Math.max(0, Number.isNaN(known) ? c.latestOffsetMs - offset : known),
  );
  const playTs = c.nextTs + (c.generated - c.sync.futureSamples) / c.samplesPerTs;
  const tsPerMs = c.o.codec.info.clockRateHz / 1000;
  // The packet is needed at the start of the pull whose 10 ms hold its first sample, not at that sample.
  const aheadMs = Math.floor((ts - playTs) / tsPerMs / PULL_MS + 1e-9) * PULL_MS;
  const delayMs = relativeMs + aheadMs + toNextPullMs;
  const samples = (delayMs * c.rateHz) / 1000;
  c.delaySamples = Number.isNaN(c.delaySamples)
    ? samples
    : c.delaySamples + DELAY_SMOOTHING * (samples - c.delaySamples);
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
  // Stamped late by a stalled owner: its delay is the owner's, not the network's.
  const measured = arrivalMs > c.stallEndMs + PULL_MS;
  const relativeMs = c.dm.update(ts, arrivalMs, measured);
  if (!recovered) {
    if (c.started && !c.comfortNoise && measured) updateDelayEstimate(c, ts, relativeMs, arrivalMs);
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
