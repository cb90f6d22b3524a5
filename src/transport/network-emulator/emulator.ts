import { type Clock, RealClock } from '../../clock/index.js';
import { invalidOption, VoxwireError } from '../../errors.js';
import { SafeEventEmitter } from '../../events.js';
import { LoopbackTransport } from '../loopback.js';
import type { DatagramChannel, ReceivedDatagram, Transport, TransportEvents } from '../types.js';
import { type NetworkConditions, resolveNetworkConditions } from './options.js';
import { EmulatedPath, type NetworkPathStats } from './path.js';
import { SeededRandom } from './random.js';

/** Options of {@link NetworkEmulator}. */
export interface NetworkEmulatorOptions {
  /** Schedules every delayed delivery; default a {@link RealClock}. Use a `VirtualClock` for reproducible runs. */
  clock?: Clock;
  /**
   * Seed of the random streams (an integer), default 1. The outgoing direction uses `seed`, the
   * incoming one `seed + 1`. Same seed, same clock, same traffic: the same run, bit for bit.
   */
  seed?: number;
  /** Conditions applied to what this end sends, default none (transparent). */
  outgoing?: NetworkConditions;
  /** Conditions applied to what this end receives, default none (transparent). */
  incoming?: NetworkConditions;
  /** Close the wrapped transport when the emulator closes, default true. */
  closeInner?: boolean;
}

/** Counters of both directions of a {@link NetworkEmulator}. */
export interface NetworkEmulatorStats {
  /** What this end sent, through the outgoing conditions. */
  outgoing: NetworkPathStats;
  /** What this end received, through the incoming conditions. */
  incoming: NetworkPathStats;
}

/** Conditions to install with {@link NetworkEmulator.setConditions}; an absent direction is left as it is. */
export interface NetworkConditionsUpdate {
  /** New conditions of the outgoing direction (replacing all of the previous ones). */
  outgoing?: NetworkConditions;
  /** New conditions of the incoming direction (replacing all of the previous ones). */
  incoming?: NetworkConditions;
}

/**
 * A {@link Transport} that wraps another and impairs what crosses it (loss, delay and jitter, a
 * bandwidth cap with a drop-tail queue, reordering, duplication, trace replay; see
 * {@link NetworkConditions}), in either direction. Every delay runs on the {@link Clock} and every
 * random choice on a seeded generator, so with a `VirtualClock` a run is reproducible bit for bit.
 * `NetworkEmulator.link()` builds two connected in-memory ends.
 *
 * Datagrams are copied on entry, so senders may reuse their buffers; delivered `data` is valid during
 * the `datagram` listener call only. `arrivalMs` is the emulated arrival time on the clock.
 */
export class NetworkEmulator extends SafeEventEmitter<TransportEvents> implements Transport {
  /** The wrapped transport. */
  readonly inner: Transport;
  readonly #clock: Clock;
  readonly #outgoing: EmulatedPath;
  readonly #incoming: EmulatedPath;
  readonly #closeInner: boolean;
  #closed = false;
  #closing: Promise<void> | undefined;

  /**
   * @param inner - The transport to wrap; the emulator listens to its events from now on.
   * @param options - See {@link NetworkEmulatorOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming the bad option (e.g. `outgoing.loss.rate`).
   */
  constructor(inner: Transport, options: NetworkEmulatorOptions = {}) {
    super();
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed)) invalidOption('seed', seed, 'must be an integer');
    const outgoing = resolveNetworkConditions(options.outgoing, 'outgoing');
    const incoming = resolveNetworkConditions(options.incoming, 'incoming');
    this.inner = inner;
    this.#clock = options.clock ?? new RealClock();
    this.#closeInner = options.closeInner ?? true;
    this.#outgoing = new EmulatedPath(this.#clock, new SeededRandom(seed), outgoing, (data, channel) => {
      if (!inner.closed) inner.send(data, channel);
    });
    this.#incoming = new EmulatedPath(
      this.#clock,
      new SeededRandom(seed + 1),
      incoming,
      (data, channel, from) => {
        const datagram: ReceivedDatagram = { data, arrivalMs: this.#clock.now(), channel, from };
        this.safeEmit('datagram', datagram);
      },
    );
    inner.on('datagram', (datagram) => this.#incoming.push(datagram.data, datagram.channel, datagram.from));
    inner.on('error', (error) => this.safeEmit('error', error));
    inner.on('close', () => void this.close());
  }

  /**
   * Two in-memory ends joined by an emulated network: what `a` sends crosses `aToB`, what `b` sends
   * crosses `bToA`. Each end is a `NetworkEmulator` whose outgoing conditions are its direction, so
   * `a.setConditions({ outgoing })` changes A→B mid-run.
   * @param clock - Drives all delivery (a `VirtualClock`: nothing arrives until it runs).
   * @param aToB - Conditions from `a` to `b`, default none.
   * @param bToA - Conditions from `b` to `a`, default none.
   * @param options - `seed` (integer, default 1): `a` uses `seed`, `seed + 1`, `b` uses `seed + 2`, `seed + 3`.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming the bad option.
   */
  static link(
    clock: Clock,
    aToB?: NetworkConditions,
    bToA?: NetworkConditions,
    options: { seed?: number } = {},
  ): [NetworkEmulator, NetworkEmulator] {
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed)) invalidOption('seed', seed, 'must be an integer');
    const [endA, endB] = LoopbackTransport.pair({ clock });
    return [
      new NetworkEmulator(endA, { clock, seed, outgoing: aToB }),
      new NetworkEmulator(endB, { clock, seed: seed + 2, outgoing: bToA }),
    ];
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a datagram through the outgoing conditions (copied; reuse `data` at once).
   * @throws VoxwireError `ERR_INVALID_STATE` after `close()`.
   */
  send(data: Uint8Array, channel: DatagramChannel = 'rtp'): void {
    if (this.#closed) throw new VoxwireError('ERR_INVALID_STATE', 'NetworkEmulator.send() after close()');
    this.#outgoing.push(data, channel, undefined);
  }

  /**
   * Switches regime mid-run. Each named direction gets exactly the given conditions (defaults for
   * what is left out); packets already in flight keep their arrival times, the bandwidth queue keeps
   * its backlog, Gilbert–Elliott keeps its state, and a trace starts at its first row.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming the bad option; nothing changes then.
   */
  setConditions(update: NetworkConditionsUpdate): void {
    const outgoing =
      update.outgoing === undefined ? undefined : resolveNetworkConditions(update.outgoing, 'outgoing');
    const incoming =
      update.incoming === undefined ? undefined : resolveNetworkConditions(update.incoming, 'incoming');
    if (outgoing !== undefined) this.#outgoing.setConditions(outgoing);
    if (incoming !== undefined) this.#incoming.setConditions(incoming);
  }

  /** Counters of both directions (a snapshot). */
  getStats(): NetworkEmulatorStats {
    return { outgoing: this.#outgoing.getStats(), incoming: this.#incoming.getStats() };
  }

  /** Discards what is in flight, closes the wrapped transport (unless `closeInner` is false), emits `close`. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    this.#outgoing.close();
    this.#incoming.close();
    // Deferred a turn so that the inner transport's own `close` event finds #closing already set.
    this.#closing = Promise.resolve().then(async () => {
      if (this.#closeInner) await this.inner.close();
      this.safeEmit('close');
    });
    return this.#closing;
  }
}
