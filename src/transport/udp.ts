import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { type Clock, RealClock } from '../clock/index.js';
import { invalidOption, VoxwireError } from '../errors.js';
import { SafeEventEmitter } from '../events.js';
import type { DatagramChannel, ReceivedDatagram, Transport, TransportEvents } from './types.js';
import {
  checkFamily,
  formatEndpoint,
  literalFirstLookup,
  type ParsedAddress,
  parseUdpAddress,
  resolveEndpoint,
  rtcpDefault,
  type UdpAddress,
  type UdpEndpoint,
} from './udp-address.js';

/** Options of {@link UdpTransport}. */
export interface UdpTransportOptions {
  /**
   * Where to bind: an IP literal and a port (0: any free port). Default: the wildcard address of the
   * remote's family (`0.0.0.0` or `::`) on port 0. The family of the socket follows this address.
   */
  local?: UdpAddress;
  /**
   * Where to send: an IP literal or a host name (resolved once while opening), port 1–65535. May be
   * left out and set later ({@link UdpTransport.setRemote}) or learnt by `symmetric` latching.
   */
  remote?: UdpAddress;
  /** RTP and RTCP on one port (RFC 5761), default true. False: RTCP on local port + 1 (RFC 3551). */
  rtcpMux?: boolean;
  /** Where RTCP goes when not multiplexed, default the remote's port + 1. */
  rtcpRemote?: UdpAddress;
  /**
   * Symmetric RTP, default false: send to where the peer's packets come from. The first datagram
   * that looks like RTP/RTCP (version 2, ≥ 8 bytes) latches the remote of its socket; after that,
   * datagrams from any other source are dropped and counted in `packetsDroppedForeign`.
   */
  symmetric?: boolean;
  /** Time source for `arrivalMs`, default a {@link RealClock}. */
  clock?: Clock;
  /** Socket receive buffer (SO_RCVBUF), bytes, > 0; default the OS's. The OS may cap it. */
  recvBufferSize?: number;
  /** Socket send buffer (SO_SNDBUF), bytes, > 0; default the OS's. */
  sendBufferSize?: number;
}

/** Counters of a {@link UdpTransport} (names as in W3C `RTCTransportStats` where they exist). */
export interface UdpTransportStats {
  /** Datagrams handed to the OS. */
  packetsSent: number;
  /** Bytes handed to the OS. */
  bytesSent: number;
  /** Datagrams delivered to listeners. */
  packetsReceived: number;
  /** Bytes delivered to listeners. */
  bytesReceived: number;
  /** Datagrams from a source other than the latched one (symmetric mode), dropped. */
  packetsDroppedForeign: number;
  /** Datagrams not sent because the socket was not ready yet or no remote was known. */
  packetsDroppedNoRemote: number;
  /** Sends the OS refused (each also an `error` event). */
  sendErrors: number;
}

interface Resolved {
  local: ParsedAddress;
  remote: ParsedAddress | undefined;
  rtcpRemote: ParsedAddress | undefined;
  rtcpMux: boolean;
  symmetric: boolean;
  clock: Clock;
  recvBufferSize: number | undefined;
  sendBufferSize: number | undefined;
}

/** Attempts at finding an even port p with p + 1 free, for RTCP without mux on port 0. */
const PORT_PAIR_ATTEMPTS = 32;

/**
 * Plain RTP/RTCP over UDP (`node:dgram`), IPv4 or IPv6. Binding starts at construction; sockets are
 * usable once {@link ready} resolves (or use {@link UdpTransport.open}). Until then, and while no
 * remote is known, `send` drops the datagram and counts it (`packetsDroppedNoRemote`) rather than
 * failing: a receive-only or symmetric end is a normal state.
 *
 * Socket failures after binding are `error` events (`ERR_TRANSPORT`), never exceptions.
 * Received `data` is a fresh Buffer per datagram (the listener may keep it).
 */
export class UdpTransport extends SafeEventEmitter<TransportEvents> implements Transport {
  /**
   * Resolves once the sockets are bound and the remote names resolved. Rejects with `ERR_TRANSPORT`
   * when binding or name resolution fails (the transport is then closed and an `error` event was
   * emitted too); an unobserved rejection does not crash the process.
   */
  readonly ready: Promise<void>;
  readonly #options: Resolved;
  readonly #clock: Clock;
  #rtp: Socket | undefined;
  #rtcp: Socket | undefined;
  #localEndpoint: UdpEndpoint | undefined;
  #localRtcpEndpoint: UdpEndpoint | undefined;
  #remote: UdpEndpoint | undefined;
  #rtcpRemote: UdpEndpoint | undefined;
  #rtpLatched = false;
  #rtcpLatched = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #stats: UdpTransportStats = {
    packetsSent: 0,
    bytesSent: 0,
    packetsReceived: 0,
    bytesReceived: 0,
    packetsDroppedForeign: 0,
    packetsDroppedNoRemote: 0,
    sendErrors: 0,
  };
  readonly #afterSend = (error: Error | null): void => {
    if (error === null) return;
    this.#stats.sendErrors++;
    this.safeEmit(
      'error',
      new VoxwireError('ERR_TRANSPORT', `UDP send failed: ${error.message}`, { cause: error }),
    );
  };

  /**
   * Validates the options and starts binding.
   * @param options - See {@link UdpTransportOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming the option (bad address, port, family mismatch, …).
   */
  constructor(options: UdpTransportOptions = {}) {
    super();
    this.#options = resolveUdpOptions(options);
    this.#clock = this.#options.clock;
    this.ready = this.#open();
    this.ready.catch(() => {});
  }

  /**
   * Creates a transport and waits until it is bound.
   * @throws VoxwireError `ERR_INVALID_OPTION` for bad options, `ERR_TRANSPORT` when binding fails.
   */
  static async open(options: UdpTransportOptions = {}): Promise<UdpTransport> {
    const transport = new UdpTransport(options);
    await transport.ready;
    return transport;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The bound RTP (or muxed) socket's address, after `ready`. */
  get localEndpoint(): UdpEndpoint | undefined {
    return this.#localEndpoint;
  }

  /** The bound RTCP socket's address when RTCP is not multiplexed, after `ready`. */
  get localRtcpEndpoint(): UdpEndpoint | undefined {
    return this.#localRtcpEndpoint;
  }

  /** The local RTP address as `host:port` (`[v6]:port`), after `ready`. */
  get localAddress(): string | undefined {
    const endpoint = this.localEndpoint;
    return endpoint === undefined ? undefined : formatEndpoint(endpoint.address, endpoint.port);
  }

  /** Where RTP (and muxed RTCP) goes now: configured, set, or latched. */
  get remoteEndpoint(): UdpEndpoint | undefined {
    return this.#remote;
  }

  /** Where RTCP goes when not multiplexed. */
  get remoteRtcpEndpoint(): UdpEndpoint | undefined {
    return this.#options.rtcpMux ? this.#remote : this.#rtcpRemote;
  }

  /** A snapshot of the counters. */
  getStats(): UdpTransportStats {
    return { ...this.#stats };
  }

  /**
   * Sets (or changes) where datagrams go, e.g. once an SDP answer arrives. In symmetric mode the
   * latch is reset, so the next valid source latches again.
   * @param remote - IP literal or host name and port.
   * @param rtcpRemote - RTCP destination when not multiplexed, default `remote`'s port + 1.
   * @throws VoxwireError `ERR_INVALID_OPTION` (synchronously) for a bad address; the promise rejects
   *   with `ERR_TRANSPORT` when the name does not resolve, `ERR_INVALID_STATE` after `close()`.
   */
  setRemote(remote: UdpAddress, rtcpRemote?: UdpAddress): Promise<void> {
    const family = this.#options.local.family;
    const parsed = parseUdpAddress('remote', remote, 1);
    checkFamily('remote', parsed, family);
    let rtcpParsed: ParsedAddress | undefined;
    if (!this.#options.rtcpMux) {
      rtcpParsed =
        rtcpRemote === undefined ? rtcpDefault(parsed) : parseUdpAddress('rtcpRemote', rtcpRemote, 1);
      checkFamily('rtcpRemote', rtcpParsed, family);
    }
    return (async () => {
      await this.ready;
      if (this.#closed) throw new VoxwireError('ERR_INVALID_STATE', 'UdpTransport.setRemote() after close()');
      const ipFamily = this.#localEndpoint!.family === 'IPv6' ? 6 : 4;
      checkFamily('remote', parsed, ipFamily);
      if (rtcpParsed !== undefined) checkFamily('rtcpRemote', rtcpParsed, ipFamily);
      this.#remote = await resolveEndpoint('remote', parsed, ipFamily);
      this.#rtcpRemote =
        rtcpParsed === undefined ? undefined : await resolveEndpoint('rtcpRemote', rtcpParsed, ipFamily);
      this.#rtpLatched = false;
      this.#rtcpLatched = false;
    })();
  }

  /**
   * Sends one datagram (copied first, so `data` may be reused at once). Dropped and counted while
   * not ready or without a remote; an OS failure is an `error` event.
   * @param data - The bytes (≤ 65507 for IPv4).
   * @param channel - `'rtcp'` goes to the RTCP socket and remote when not multiplexed; default `'rtp'`.
   * @throws VoxwireError `ERR_INVALID_STATE` after `close()`.
   */
  send(data: Uint8Array, channel: DatagramChannel = 'rtp'): void {
    if (this.#closed) throw new VoxwireError('ERR_INVALID_STATE', 'UdpTransport.send() after close()');
    const separate = channel === 'rtcp' && !this.#options.rtcpMux;
    const socket = separate ? this.#rtcp : this.#rtp;
    const remote = separate ? this.#rtcpRemote : this.#remote;
    if (socket === undefined || remote === undefined) {
      this.#stats.packetsDroppedNoRemote++;
      return;
    }
    // dgram keeps a reference to the buffer when the kernel queue is full; copy so the caller may reuse its own.
    const copy = Buffer.allocUnsafe(data.length);
    copy.set(data);
    this.#stats.packetsSent++;
    this.#stats.bytesSent += data.length;
    socket.send(copy, remote.port, remote.address, this.#afterSend);
  }

  /** Closes the sockets (so the process can exit) and emits `close`. Harmless when called twice. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      await this.ready.catch(() => {});
      await Promise.all([closeSocket(this.#rtp), closeSocket(this.#rtcp)]);
      this.safeEmit('close');
    })();
    return this.#closing;
  }

  async #open(): Promise<void> {
    const options = this.#options;
    try {
      const ipFamily = await this.#socketFamily();
      if (options.remote !== undefined)
        this.#remote = await resolveEndpoint('remote', options.remote, ipFamily);
      if (options.rtcpRemote !== undefined) {
        this.#rtcpRemote = await resolveEndpoint('rtcpRemote', options.rtcpRemote, ipFamily);
      }
      if (this.#closed) return;
      await this.#bindSockets(ipFamily);
      this.#localEndpoint = socketEndpoint(this.#rtp!);
      this.#localRtcpEndpoint = this.#rtcp === undefined ? undefined : socketEndpoint(this.#rtcp);
      if (this.#closed) await Promise.all([closeSocket(this.#rtp), closeSocket(this.#rtcp)]);
    } catch (cause) {
      const error =
        cause instanceof VoxwireError
          ? cause
          : new VoxwireError('ERR_TRANSPORT', `UDP open failed: ${String(cause)}`, { cause });
      this.safeEmit('error', error);
      void this.close();
      throw error;
    }
  }

  async #socketFamily(): Promise<4 | 6> {
    const { local, remote } = this.#options;
    if (local.family !== 0) return local.family;
    if (remote === undefined) return 4;
    if (remote.family !== 0) return remote.family;
    return (await resolveEndpoint('remote', remote, 0)).family === 'IPv6' ? 6 : 4;
  }

  async #bindSockets(ipFamily: 4 | 6): Promise<void> {
    const { local, rtcpMux } = this.#options;
    const host = local.family === 0 ? (ipFamily === 6 ? '::' : '0.0.0.0') : local.host;
    if (rtcpMux) {
      this.#rtp = await this.#bind(ipFamily, host, local.port, 'rtp');
      return;
    }
    if (local.port !== 0) {
      this.#rtp = await this.#bind(ipFamily, host, local.port, 'rtp');
      try {
        this.#rtcp = await this.#bind(ipFamily, host, local.port + 1, 'rtcp');
      } catch (error) {
        await closeSocket(this.#rtp);
        this.#rtp = undefined;
        throw error;
      }
      return;
    }
    // Port 0 without mux: find an even port whose successor is free too (RFC 3550 §11).
    for (let attempt = 0; attempt < PORT_PAIR_ATTEMPTS; attempt++) {
      const rtp = await this.#bind(ipFamily, host, 0, 'rtp');
      const port = rtp.address().port;
      if (port % 2 === 0 && port < 65535) {
        try {
          this.#rtcp = await this.#bind(ipFamily, host, port + 1, 'rtcp');
          this.#rtp = rtp;
          return;
        } catch {
          // Taken: try another pair.
        }
      }
      await closeSocket(rtp);
    }
    throw new VoxwireError(
      'ERR_TRANSPORT',
      `no free port pair (p, p+1) on ${host} after ${PORT_PAIR_ATTEMPTS} attempts`,
    );
  }

  #bind(ipFamily: 4 | 6, host: string, port: number, channel: DatagramChannel): Promise<Socket> {
    const { recvBufferSize, sendBufferSize } = this.#options;
    return new Promise<Socket>((resolve, reject) => {
      const socket = createSocket({ type: ipFamily === 6 ? 'udp6' : 'udp4', lookup: literalFirstLookup });
      const onBindError = (error: Error): void => {
        socket.close();
        reject(
          new VoxwireError(
            'ERR_TRANSPORT',
            `cannot bind UDP ${formatEndpoint(host, port)}: ${error.message}`,
            { cause: error },
          ),
        );
      };
      socket.once('error', onBindError);
      // Listen from the start: a datagram may arrive before the other socket of a pair is bound.
      socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo, channel));
      socket.bind(port, host, () => {
        socket.off('error', onBindError);
        socket.on('error', (error) => {
          this.safeEmit(
            'error',
            new VoxwireError('ERR_TRANSPORT', `UDP socket error: ${error.message}`, { cause: error }),
          );
        });
        try {
          if (recvBufferSize !== undefined) socket.setRecvBufferSize(recvBufferSize);
          if (sendBufferSize !== undefined) socket.setSendBufferSize(sendBufferSize);
        } catch (error) {
          socket.close();
          reject(
            new VoxwireError('ERR_TRANSPORT', `cannot size UDP socket buffers: ${String(error)}`, {
              cause: error,
            }),
          );
          return;
        }
        resolve(socket);
      });
    });
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo, channel: DatagramChannel): void {
    if (this.#closed) return;
    if (this.#options.symmetric) {
      const separate = channel === 'rtcp';
      const latched = separate ? this.#rtcpLatched : this.#rtpLatched;
      const current = separate ? this.#rtcpRemote : this.#remote;
      if (latched) {
        if (current === undefined || rinfo.address !== current.address || rinfo.port !== current.port) {
          this.#stats.packetsDroppedForeign++;
          return;
        }
      } else if (msg.length >= 8 && msg[0] >> 6 === 2) {
        const endpoint: UdpEndpoint = {
          address: rinfo.address,
          port: rinfo.port,
          family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4',
        };
        if (separate) {
          this.#rtcpRemote = endpoint;
          this.#rtcpLatched = true;
        } else {
          this.#remote = endpoint;
          this.#rtpLatched = true;
        }
      }
    }
    this.#stats.packetsReceived++;
    this.#stats.bytesReceived += msg.length;
    const datagram: ReceivedDatagram = {
      data: msg,
      arrivalMs: this.#clock.now(),
      channel,
      from: formatEndpoint(rinfo.address, rinfo.port),
    };
    this.safeEmit('datagram', datagram);
  }
}

function resolveUdpOptions(options: UdpTransportOptions): Resolved {
  if (typeof options !== 'object' || options === null) invalidOption('options', options, 'must be an object');
  const local =
    options.local === undefined
      ? { host: '', port: 0, family: 0 as const }
      : parseUdpAddress('local', options.local, 0);
  if (options.local !== undefined && local.family === 0) {
    invalidOption('local', options.local, 'must be an IP address literal (e.g. "0.0.0.0:5004", "[::1]:0")');
  }
  const remote = options.remote === undefined ? undefined : parseUdpAddress('remote', options.remote, 1);
  const rtcpMux = options.rtcpMux ?? true;
  if (typeof rtcpMux !== 'boolean') invalidOption('rtcpMux', rtcpMux, 'must be a boolean');
  const symmetric = options.symmetric ?? false;
  if (typeof symmetric !== 'boolean') invalidOption('symmetric', symmetric, 'must be a boolean');
  if (!rtcpMux && local.port === 65535)
    invalidOption('local', options.local, 'port must be < 65535 without rtcpMux (RTCP uses port + 1)');
  let rtcpRemote: ParsedAddress | undefined;
  if (options.rtcpRemote !== undefined) {
    if (rtcpMux) invalidOption('rtcpRemote', options.rtcpRemote, 'only applies with rtcpMux: false');
    rtcpRemote = parseUdpAddress('rtcpRemote', options.rtcpRemote, 1);
  } else if (!rtcpMux && remote !== undefined) {
    rtcpRemote = rtcpDefault(remote);
  }
  if (local.family !== 0) {
    if (remote !== undefined) checkFamily('remote', remote, local.family);
    if (rtcpRemote !== undefined) checkFamily('rtcpRemote', rtcpRemote, local.family);
  } else if (
    remote !== undefined &&
    rtcpRemote !== undefined &&
    remote.family !== 0 &&
    rtcpRemote.family !== 0
  ) {
    checkFamily('rtcpRemote', rtcpRemote, remote.family);
  }
  return {
    local,
    remote,
    rtcpRemote,
    rtcpMux,
    symmetric,
    clock: options.clock ?? new RealClock(),
    recvBufferSize: bufferSize('recvBufferSize', options.recvBufferSize),
    sendBufferSize: bufferSize('sendBufferSize', options.sendBufferSize),
  };
}

function bufferSize(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0 || value > 2 ** 31 - 1)) {
    invalidOption(name, value, 'must be a positive integer number of bytes');
  }
  return value;
}

function socketEndpoint(socket: Socket): UdpEndpoint {
  const info = socket.address();
  return { address: info.address, port: info.port, family: info.family === 'IPv6' ? 'IPv6' : 'IPv4' };
}

function closeSocket(socket: Socket | undefined): Promise<void> {
  if (socket === undefined) return Promise.resolve();
  return new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
