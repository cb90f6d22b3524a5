import type { VirtualClock } from '../../src/clock/index.js';
import type { Transport } from '../../src/transport/types.js';

/** One datagram as received: which packet (its send index) and when. */
export interface Arrival {
  index: number;
  sentMs: number;
  arrivalMs: number;
}

/**
 * Sends `count` datagrams of `sizeBytes` from `from` every `intervalMs` on a VirtualClock, each
 * carrying its index and send time, runs the clock until everything has arrived, and returns what
 * `to` received in arrival order.
 */
export function runTraffic(
  clock: VirtualClock,
  from: Transport,
  to: Transport,
  count: number,
  intervalMs: number,
  sizeBytes = 172,
): Arrival[] {
  const arrivals: Arrival[] = [];
  const onDatagram = (d: { data: Uint8Array; arrivalMs: number }): void => {
    const view = new DataView(d.data.buffer, d.data.byteOffset, d.data.byteLength);
    arrivals.push({ index: view.getUint32(0), sentMs: view.getFloat64(4), arrivalMs: d.arrivalMs });
  };
  to.on('datagram', onDatagram);
  const packet = new Uint8Array(Math.max(sizeBytes, 12));
  const view = new DataView(packet.buffer);
  const startMs = clock.now();
  for (let i = 0; i < count; i++) {
    clock.advanceTo(startMs + i * intervalMs);
    view.setUint32(0, i);
    view.setFloat64(4, clock.now());
    from.send(packet);
  }
  clock.runAll();
  to.off('datagram', onDatagram);
  return arrivals;
}

/** The value below which `fraction` of the sorted `values` lie (nearest rank). */
export function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** Mean of `values`. */
export function mean(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
