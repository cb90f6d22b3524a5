/**
 * Runs two DuplexTransport ends over a TCP connection on 127.0.0.1, exchanges a few datagrams (RTP
 * and RTCP, small and large) both ways, prints what arrived and exits.
 *
 *   npx tsx examples/custom-transport/main.ts
 */
import { connect, createServer, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { DatagramChannel, Transport } from '../../src/index.js';
import { DuplexTransport } from './duplex-transport.js';

/** A datagram as one end saw it. */
export interface Arrived {
  channel: DatagramChannel;
  data: Uint8Array;
}

/** What each end sends: a few RTP-sized packets, one RTCP packet, one empty and one large datagram. */
export function demoDatagrams(side: number): { data: Uint8Array; channel: DatagramChannel }[] {
  const list: { data: Uint8Array; channel: DatagramChannel }[] = [];
  for (let i = 0; i < 5; i++) {
    const data = new Uint8Array(172);
    for (let j = 0; j < data.length; j++) data[j] = (side * 97 + i * 31 + j) & 0xff;
    list.push({ data, channel: 'rtp' });
  }
  list.push({ data: new Uint8Array([0x80, 0xc8, 0, 6, side, 2, 3, 4]), channel: 'rtcp' });
  list.push({ data: new Uint8Array(0), channel: 'rtp' });
  list.push({ data: new Uint8Array(60_000).fill(side + 1), channel: 'rtp' });
  return list;
}

function collect(transport: Transport, count: number): Promise<Arrived[]> {
  return new Promise((resolve) => {
    const arrived: Arrived[] = [];
    transport.on('datagram', (d) => {
      arrived.push({ channel: d.channel, data: Uint8Array.from(d.data) }); // copy: data is lent for the call
      if (arrived.length === count) resolve(arrived);
    });
  });
}

/** Runs the demo; resolves with what each end received, once everything is closed. */
export async function main(
  log: (line: string) => void = console.log,
): Promise<{ atClient: Arrived[]; atServer: Arrived[] }> {
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const clientSocket = connect(address.port, '127.0.0.1');
  clientSocket.setNoDelay(true);
  const client = new DuplexTransport(clientSocket);
  const serverEnd = new DuplexTransport(await accepted);

  const toServer = demoDatagrams(0);
  const toClient = demoDatagrams(1);
  const atServerP = collect(serverEnd, toServer.length);
  const atClientP = collect(client, toClient.length);
  for (const { data, channel } of toServer) client.send(data, channel);
  for (const { data, channel } of toClient) serverEnd.send(data, channel);
  const [atServer, atClient] = await Promise.all([atServerP, atClientP]);

  for (const [name, arrived] of [
    ['server', atServer],
    ['client', atClient],
  ] as const) {
    log(
      `${name} received ${arrived.length} datagrams: ${arrived.map((d) => `${d.channel}/${d.data.length}B`).join(' ')}`,
    );
  }
  await Promise.all([client.close(), serverEnd.close()]);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { atClient, atServer };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
