import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/index.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';
import type { ReceivedDatagram } from '../../src/transport/types.js';

function collect(end: LoopbackTransport): ReceivedDatagram[] {
  const got: ReceivedDatagram[] = [];
  end.on('datagram', (d) => got.push({ ...d, data: Uint8Array.from(d.data) }));
  return got;
}

describe('LoopbackTransport', () => {
  it('delivers both ways, in order, asynchronously, copying the data', async () => {
    const [a, b] = LoopbackTransport.pair();
    const atA = collect(a);
    const atB = collect(b);
    const buffer = new Uint8Array([1, 2, 3]);
    a.send(buffer);
    buffer[0] = 9; // reused at once by the sender
    a.send(buffer, 'rtcp');
    b.send(new Uint8Array([7]));
    expect(atB).toHaveLength(0); // never synchronous
    await Promise.resolve();
    expect(atB.map((d) => [Array.from(d.data), d.channel])).toEqual([
      [[1, 2, 3], 'rtp'],
      [[9, 2, 3], 'rtcp'],
    ]);
    expect(atA.map((d) => Array.from(d.data))).toEqual([[7]]);
    expect(a.getStats()).toEqual({
      packetsSent: 2,
      bytesSent: 6,
      packetsReceived: 1,
      bytesReceived: 1,
      packetsDropped: 0,
    });
  });

  it('on a VirtualClock delivers only when the clock runs, stamped with the clock', () => {
    const clock = new VirtualClock(500);
    const [a, b] = LoopbackTransport.pair({ clock });
    const atB = collect(b);
    a.send(new Uint8Array([1]));
    a.send(new Uint8Array([2]));
    expect(atB).toHaveLength(0);
    clock.advance(0);
    expect(atB.map((d) => [d.data[0], d.arrivalMs])).toEqual([
      [1, 500],
      [2, 500],
    ]);
  });

  it('delivers what a listener sends back during delivery on the next turn, not recursively', () => {
    const clock = new VirtualClock();
    const [a, b] = LoopbackTransport.pair({ clock });
    const log: string[] = [];
    b.on('datagram', (d) => {
      log.push(`b${d.data[0]}@${clock.now()}`);
      if (d.data[0] < 3) b.send(new Uint8Array([d.data[0] + 1]));
    });
    a.on('datagram', (d) => {
      log.push(`a${d.data[0]}@${clock.now()}`);
      a.send(new Uint8Array([d.data[0] + 1]));
    });
    a.send(new Uint8Array([0]));
    expect(clock.runAll()).toBeGreaterThan(0);
    expect(log).toEqual(['b0@0', 'a1@0', 'b2@0', 'a3@0', 'b4@0']);
  });

  it('closes each end on its own; sends to a closed end are dropped and counted', async () => {
    const [a, b] = LoopbackTransport.pair();
    let closes = 0;
    b.on('close', () => closes++);
    const atB = collect(b);
    a.send(new Uint8Array([1]));
    await b.close();
    await b.close();
    expect(closes).toBe(1);
    await Promise.resolve();
    expect(atB).toHaveLength(0); // queued before close, discarded by close
    a.send(new Uint8Array([2]));
    expect(a.getStats().packetsDropped).toBe(1);
    expect(() => b.send(new Uint8Array([3]))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
  });

  it('a throwing listener does not break delivery to the others', () => {
    const clock = new VirtualClock();
    const [a, b] = LoopbackTransport.pair({ clock });
    const errors: unknown[] = [];
    b.on('error', (e) => errors.push(e));
    b.on('datagram', () => {
      throw new Error('listener bug');
    });
    const atB = collect(b);
    a.send(new Uint8Array([1]));
    a.send(new Uint8Array([2]));
    clock.advance(0);
    expect(atB).toHaveLength(2);
    expect(errors).toHaveLength(2);
  });
});
