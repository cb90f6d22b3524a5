import type { PlayoutOperation } from './decision.js';
import { decodeInto, decodeNext } from './decode-step.js';
import type { BufferedPacket } from './packet-buffer.js';
import type { PlayoutContext } from './playout-context.js';
import { timeStretch } from './stretch-step.js';

/**
 * Carries out the operation `decide` chose (NetEQ's "act" half); returns what was actually done
 * (an operation may fall back, e.g. merge without a packet conceals).
 * @internal
 */
export function act(c: PlayoutContext, op: PlayoutOperation): PlayoutOperation {
  switch (op) {
    case 'silence':
      return op;
    case 'normal':
      playNormal(c);
      return op;
    case 'merge':
      return merge(c);
    case 'expand':
      if (c.lastOp !== 'expand') {
        startConcealment(c);
        c.generated = 0;
      }
      conceal(c, Math.max(0, c.frameSamples - c.sync.futureSamples));
      return op;
    case 'comfort-noise':
      comfortNoise(c);
      return op;
    case 'accelerate':
    case 'preemptive-expand':
      return timeStretch(c, op);
  }
}

/**
 * Fills whatever the operation left short of a frame: decode when the packet is due, else comfort
 * noise in DTX, else conceal.
 * @internal
 */
export function fillFrame(c: PlayoutContext): void {
  const sync = c.sync;
  if (!c.started) return;
  while (sync.futureSamples < c.frameSamples) {
    const head = c.buffer.peek();
    if (head !== undefined && head.timestamp === c.nextTs && decodeNext(c)) continue;
    if (c.comfortNoise) {
      const room = sync.reserve(c.frameSamples - sync.futureSamples);
      c.cng.generate(sync.data, sync.end, room);
      sync.end += room;
      c.stats.comfortNoiseSamples += room;
      continue;
    }
    if (c.lastOp !== 'expand') {
      startConcealment(c);
      c.lastOp = 'expand';
    }
    conceal(c, c.frameSamples - sync.futureSamples);
  }
}

function playNormal(c: PlayoutContext): void {
  while (c.sync.futureSamples < c.frameSamples && c.buffer.size > 0) {
    const head = c.buffer.peek()!;
    if (head.timestamp > c.nextTs) {
      if (!(c.comfortNoise || c.lastOp === 'comfort-noise' || isSilenceGap(c, head))) break;
      c.nextTs = head.timestamp; // resume after a sender silence
    }
    if (!decodeNext(c)) break;
  }
}

function merge(c: PlayoutContext): PlayoutOperation {
  const head = c.buffer.peek();
  if (head === undefined) return act(c, 'expand');
  if (head.timestamp > c.nextTs) c.nextTs = head.timestamp;
  else if (c.lastOp === 'expand') c.stats.packetsLateConcealed++;
  if (c.lastOp !== 'expand') return act(c, 'normal');
  const n = decodeInto(c, c.decoded);
  if (n <= 0) return 'merge';
  const written = c.merge.merge(c.concealer, c.decoded, c.scratch, n);
  c.sync.append(c.scratch, written);
  c.stats.concealedSamples += c.merge.lastShiftSamples;
  return 'merge';
}

function comfortNoise(c: PlayoutContext): void {
  const sync = c.sync;
  if (c.lastOp !== 'comfort-noise') {
    if (c.cnFromPacket) c.cng.setFromCn(c.cnParams);
    else c.cng.setFromEstimate(c.noise);
    c.cng.settle();
    c.generated = 0;
  }
  const room = sync.reserve(Math.max(0, c.frameSamples - sync.futureSamples));
  c.cng.generate(sync.data, sync.end, room);
  sync.end += room;
  c.generated += room;
  c.stats.comfortNoiseSamples += room;
}

function startConcealment(c: PlayoutContext): void {
  c.concealer.start(c.sync.data, 0, c.sync.end);
  c.stats.concealmentEvents++;
}

function conceal(c: PlayoutContext, n: number): void {
  const sync = c.sync;
  const room = sync.reserve(n);
  const silentBefore = c.concealer.silentConcealedSamples;
  c.concealer.conceal(sync.data, sync.end, room);
  sync.end += room;
  c.generated += room;
  c.stats.concealedSamples += room;
  c.stats.silentConcealedSamples += c.concealer.silentConcealedSamples - silentBefore;
}

function isSilenceGap(c: PlayoutContext, head: BufferedPacket): boolean {
  return head.marker || head.sequence === c.lastSeq + 1;
}
