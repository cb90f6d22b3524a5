import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/index.js';
import { isVoxwireError, type VoxwireError } from '../../src/errors.js';
import type { ReceivedDatagram } from '../../src/transport/types.js';
import { UdpTransport, type UdpTransportOptions } from '../../src/transport/udp.js';

const open: UdpTransport[] = [];
const rawSockets: Socket[] = [];

async function make(options: UdpTransportOptions): Promise<UdpTransport> {
  const transport = await UdpTransport.open(options);
  open.push(transport);
  return transport;
}

function nextDatagram(transport: UdpTransport): Promise<ReceivedDatagram> {
  return new Promise((resolve) => {
    transport.once('datagram', (d) => resolve({ ...d, data: Uint8Array.from(d.data) }));
  });
}

function rtpLike(marker: number, length = 20): Uint8Array {
  const data = new Uint8Array(length);
  data[0] = 0x80;
  data[1] = 0;
  data[length - 1] = marker;
  return data;
}

async function rawSocket(type: 'udp4' | 'udp6', host: string): Promise<Socket> {
  const socket = createSocket(type);
  rawSockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return socket;
}

/** Resolves once `predicate` holds, polling on the event loop (socket I/O is real here). */
async function until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp6');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(0, '::1', () => {
      socket.close();
      resolve(true);
    });
  });
}
const hasIpv6 = await ipv6Available();
if (!hasIpv6) {
  if (process.env.CI) throw new Error('IPv6 loopback (::1) is required in CI but cannot be bound');
  console.warn('skipping the IPv6 UDP tests: ::1 cannot be bound in this sandbox');
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  for (const socket of rawSockets.splice(0)) socket.close();
});

describe('UdpTransport', () => {
  it('binds port 0 on 127.0.0.1 and exchanges datagrams both ways, with arrival times from the clock', async () => {
    const clock = new VirtualClock(1234);
    const a = await make({ local: '127.0.0.1:0', clock });
    expect(a.localEndpoint?.port).toBeGreaterThan(0);
    expect(a.localEndpoint?.family).toBe('IPv4');
    const b = await make({ local: { address: '127.0.0.1', port: 0 }, remote: a.localAddress });
    await a.setRemote(b.localAddress!);

    const atA = nextDatagram(a);
    const payload = rtpLike(7);
    b.send(payload);
    payload.fill(0xee); // the sender may reuse its buffer at once
    const got = await atA;
    expect(Array.from(got.data)).toEqual(Array.from(rtpLike(7)));
    expect(got.channel).toBe('rtp');
    expect(got.from).toBe(b.localAddress);
    expect(got.arrivalMs).toBe(1234);

    const atB = nextDatagram(b);
    a.send(rtpLike(9), 'rtcp'); // muxed: RTCP goes over the same socket
    const back = await atB;
    expect(back.data[19]).toBe(9);
    expect(back.channel).toBe('rtp');
    expect(a.getStats()).toMatchObject({
      packetsSent: 1,
      bytesSent: 20,
      packetsReceived: 1,
      bytesReceived: 20,
    });
  });

  it.runIf(hasIpv6)('works over IPv6 (::1) with the [v6]:port syntax', async () => {
    const a = await make({ local: '[::1]:0' });
    expect(a.localEndpoint?.family).toBe('IPv6');
    expect(a.localAddress).toMatch(/^\[::1\]:\d+$/);
    const b = await make({ local: '[::1]:0', remote: a.localAddress });
    const atA = nextDatagram(a);
    b.send(rtpLike(3));
    const got = await atA;
    expect(got.data[19]).toBe(3);
    expect(got.from).toBe(b.localAddress);
  });

  it('infers the socket family from the remote when no local address is given', async () => {
    const a = await make({ local: '127.0.0.1:0' });
    const b = await make({ remote: a.localAddress });
    expect(b.localEndpoint?.address).toBe('0.0.0.0');
    const atA = nextDatagram(a);
    b.send(rtpLike(1));
    expect((await atA).data[19]).toBe(1);
  });

  it('without rtcp-mux puts RTCP on local port + 1 and sends it to remote port + 1', async () => {
    const a = await make({ local: '127.0.0.1:0', rtcpMux: false });
    const rtpPort = a.localEndpoint!.port;
    expect(rtpPort % 2).toBe(0);
    expect(a.localRtcpEndpoint?.port).toBe(rtpPort + 1);
    const b = await make({ local: '127.0.0.1:0', rtcpMux: false, remote: a.localAddress });
    expect(b.remoteRtcpEndpoint).toEqual({ address: '127.0.0.1', port: rtpPort + 1, family: 'IPv4' });

    const received: ReceivedDatagram[] = [];
    a.on('datagram', (d) => received.push({ ...d, data: Uint8Array.from(d.data) }));
    b.send(rtpLike(1), 'rtp');
    b.send(rtpLike(2), 'rtcp');
    await until(() => received.length === 2, 'two datagrams');
    const byMarker = new Map(received.map((d) => [d.data[19], d]));
    expect(byMarker.get(1)?.channel).toBe('rtp');
    expect(byMarker.get(2)?.channel).toBe('rtcp');
    expect(byMarker.get(2)?.from).toBe(`127.0.0.1:${b.localEndpoint!.port + 1}`);
  });

  it('honours an explicit rtcpRemote', async () => {
    const sink = await rawSocket('udp4', '127.0.0.1');
    const rtcpPort = sink.address().port;
    const got = new Promise<Buffer>((resolve) => sink.once('message', resolve));
    const t = await make({
      local: '127.0.0.1:0',
      rtcpMux: false,
      remote: '127.0.0.1:9',
      rtcpRemote: `127.0.0.1:${rtcpPort}`,
    });
    t.send(rtpLike(5), 'rtcp');
    expect((await got)[19]).toBe(5);
  });

  it('symmetric: latches to the first valid source and drops (and counts) other sources', async () => {
    const t = await make({ local: '127.0.0.1:0', symmetric: true });
    const port = t.localEndpoint!.port;
    const peer = await rawSocket('udp4', '127.0.0.1');
    const intruder = await rawSocket('udp4', '127.0.0.1');
    const received: number[] = [];
    t.on('datagram', (d) => received.push(d.data[19]));

    t.send(rtpLike(0)); // no remote yet: counted drop
    expect(t.getStats().packetsDroppedNoRemote).toBe(1);

    peer.send(rtpLike(1), port, '127.0.0.1');
    await until(() => received.length === 1, 'the first datagram');
    expect(t.remoteEndpoint).toEqual({ address: '127.0.0.1', port: peer.address().port, family: 'IPv4' });

    intruder.send(rtpLike(66), port, '127.0.0.1');
    intruder.send(rtpLike(67), port, '127.0.0.1');
    peer.send(rtpLike(2), port, '127.0.0.1');
    await until(() => received.length === 2 && t.getStats().packetsDroppedForeign === 2, 'drops');
    expect(received).toEqual([1, 2]);

    // Replies go to the latched source.
    const reply = new Promise<Buffer>((resolve) => peer.once('message', resolve));
    t.send(rtpLike(3));
    expect((await reply)[19]).toBe(3);
  });

  it('symmetric: a datagram that is not RTP/RTCP does not latch', async () => {
    const t = await make({ local: '127.0.0.1:0', symmetric: true });
    const port = t.localEndpoint!.port;
    const noise = await rawSocket('udp4', '127.0.0.1');
    const peer = await rawSocket('udp4', '127.0.0.1');
    let count = 0;
    t.on('datagram', () => count++);
    noise.send(Buffer.from('hello'), port, '127.0.0.1');
    await until(() => count === 1, 'noise');
    expect(t.remoteEndpoint).toBeUndefined();
    peer.send(rtpLike(1), port, '127.0.0.1');
    await until(() => count === 2, 'rtp');
    expect(t.remoteEndpoint?.port).toBe(peer.address().port);
  });

  it('closes twice harmlessly, emits close once, and refuses send after close', async () => {
    const t = new UdpTransport({ local: '127.0.0.1:0' });
    let closes = 0;
    t.on('close', () => closes++);
    await t.ready;
    await Promise.all([t.close(), t.close()]);
    await t.close();
    expect(closes).toBe(1);
    expect(t.closed).toBe(true);
    expect(t.localEndpoint?.port).toBeGreaterThan(0); // still readable after close
    expect(() => t.send(new Uint8Array(12))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
  });

  it('closing before the sockets are bound releases them', async () => {
    const t = new UdpTransport({ local: '127.0.0.1:0', rtcpMux: false });
    await t.close();
    await t.ready;
    expect(t.closed).toBe(true);
  });

  it('fails fast on bad options, naming the option', () => {
    const cases: [UdpTransportOptions, string][] = [
      [{ local: '127.0.0.1' }, 'local'],
      [{ local: '127.0.0.1:70000' }, 'local'],
      [{ local: '::1:5004' }, 'local'],
      [{ local: '[127.0.0.1]:5004' }, 'local'],
      [{ local: 'localhost:5004' }, 'local'],
      [{ remote: '127.0.0.1:0' }, 'remote'],
      [{ remote: 'bad host!:5004' }, 'remote'],
      [{ local: '127.0.0.1:0', remote: '[::1]:5004' }, 'remote'],
      [{ local: '127.0.0.1:0', rtcpRemote: '127.0.0.1:5005' }, 'rtcpRemote'],
      [{ local: '127.0.0.1:65535', rtcpMux: false }, 'local'],
      [{ remote: '127.0.0.1:65535', rtcpMux: false }, 'remote'],
      [{ recvBufferSize: -1 }, 'recvBufferSize'],
      [{ local: { address: '127.0.0.1', port: 1.5 } }, 'local'],
    ];
    for (const [options, name] of cases) {
      let error: unknown;
      try {
        new UdpTransport(options);
      } catch (caught) {
        error = caught;
      }
      expect(isVoxwireError(error, 'ERR_INVALID_OPTION'), JSON.stringify(options)).toBe(true);
      expect((error as VoxwireError).message).toContain(`option ${name}`);
    }
  });

  it('reports a port already in use as ERR_TRANSPORT through ready and an error event, without crashing', async () => {
    const taken = await rawSocket('udp4', '127.0.0.1');
    const t = new UdpTransport({ local: `127.0.0.1:${taken.address().port}` });
    const errors: VoxwireError[] = [];
    t.on('error', (e) => errors.push(e));
    await expect(t.ready).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
    expect(errors.map((e) => e.code)).toEqual(['ERR_TRANSPORT']);
    await t.close();
    expect(t.closed).toBe(true);
  });

  it('accepts socket buffer sizes and still carries datagrams', async () => {
    const a = await make({ local: '127.0.0.1:0', recvBufferSize: 1 << 20, sendBufferSize: 1 << 18 });
    const b = await make({ local: '127.0.0.1:0', remote: a.localAddress });
    const received: number[] = [];
    a.on('datagram', (d) => received.push(d.data[19]));
    for (let i = 0; i < 200; i++) b.send(rtpLike(i & 0xff));
    await until(() => received.length === 200, '200 datagrams');
    expect(received).toEqual(Array.from({ length: 200 }, (_, i) => i & 0xff));
  });

  it('resolves a host name remote once', async () => {
    const a = await make({ local: '127.0.0.1:0' });
    const b = await make({ local: '127.0.0.1:0', remote: `localhost:${a.localEndpoint!.port}` });
    expect(b.remoteEndpoint?.address).toBe('127.0.0.1');
    const atA = nextDatagram(a);
    b.send(rtpLike(4));
    expect((await atA).data[19]).toBe(4);
  });
});
