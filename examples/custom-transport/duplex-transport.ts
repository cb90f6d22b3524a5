/**
 * A user-written transport plugin: datagrams over any Node Duplex stream (a TCP socket, a TLS
 * socket, a pipe, a WebSocket stream…), with length-prefixed framing. It implements voxwire's
 * `Transport` interface and nothing else, which is all a VoiceSession needs.
 *
 * Frame: u16 big-endian payload length, u8 channel (0 = RTP, 1 = RTCP), payload.
 */
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import type { DatagramChannel, Transport, TransportEvents } from '../../src/index.js';
import { VoxwireError } from '../../src/index.js';

const HEADER_BYTES = 3;
const MAX_PAYLOAD_BYTES = 0xffff;

/** Options of {@link DuplexTransport}. */
export interface DuplexTransportOptions {
  /** Time source for `arrivalMs` (ms); default `performance.now`. */
  now?: () => number;
}

/** Carries datagrams over a byte stream. */
export class DuplexTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly #stream: Duplex;
  readonly #now: () => number;
  // Bytes received but not yet framed; grows to the largest frame seen.
  #pending = new Uint8Array(4096);
  #pendingBytes = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(stream: Duplex, options: DuplexTransportOptions = {}) {
    super();
    this.#stream = stream;
    this.#now = options.now ?? (() => performance.now());
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.on('error', (error) =>
      this.#emitSafely('error', new VoxwireError('ERR_TRANSPORT', error.message, { cause: error })),
    );
    stream.on('close', () => void this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(data: Uint8Array, channel: DatagramChannel = 'rtp'): void {
    if (this.#closed) throw new VoxwireError('ERR_INVALID_STATE', 'DuplexTransport.send() after close()');
    if (data.length > MAX_PAYLOAD_BYTES) {
      this.#emitSafely(
        'error',
        new VoxwireError('ERR_TRANSPORT', `datagram of ${data.length} bytes is too large to frame`),
      );
      return;
    }
    // One buffer per frame: the stream may hold it after write() returns, the caller may reuse `data`.
    const frame = Buffer.allocUnsafe(HEADER_BYTES + data.length);
    frame.writeUInt16BE(data.length, 0);
    frame[2] = channel === 'rtcp' ? 1 : 0;
    frame.set(data, HEADER_BYTES);
    this.#stream.write(frame);
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    this.#closing = new Promise<void>((resolve) => {
      const stream = this.#stream;
      if (stream.destroyed) resolve();
      else {
        stream.once('close', () => resolve());
        stream.end();
      }
    }).then(() => {
      this.#emitSafely('close');
    });
    return this.#closing;
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    if (this.#pendingBytes + chunk.length > this.#pending.length) {
      const bigger = new Uint8Array(Math.max(this.#pending.length * 2, this.#pendingBytes + chunk.length));
      bigger.set(this.#pending.subarray(0, this.#pendingBytes));
      this.#pending = bigger;
    }
    this.#pending.set(chunk, this.#pendingBytes);
    this.#pendingBytes += chunk.length;
    let offset = 0;
    while (this.#pendingBytes - offset >= HEADER_BYTES) {
      const length = (this.#pending[offset] << 8) | this.#pending[offset + 1];
      const channelByte = this.#pending[offset + 2];
      if (channelByte > 1) {
        // The stream is out of step: nothing after this point can be trusted.
        this.#emitSafely(
          'error',
          new VoxwireError('ERR_TRANSPORT', `bad frame channel ${channelByte}; closing`),
        );
        this.#stream.destroy();
        return;
      }
      if (this.#pendingBytes - offset < HEADER_BYTES + length) break;
      const start = offset + HEADER_BYTES;
      this.#emitSafely('datagram', {
        data: this.#pending.subarray(start, start + length),
        arrivalMs: this.#now(),
        channel: channelByte === 1 ? 'rtcp' : 'rtp',
      });
      offset = start + length;
    }
    this.#pending.copyWithin(0, offset, this.#pendingBytes);
    this.#pendingBytes -= offset;
  }

  // A listener that throws must not break the stream's data handler.
  #emitSafely<E extends keyof TransportEvents>(event: E, ...args: Parameters<TransportEvents[E]>): void {
    try {
      (this.emit as (name: E, ...rest: Parameters<TransportEvents[E]>) => boolean)(event, ...args);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
