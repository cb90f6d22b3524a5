import { EventEmitter } from 'eventemitter3';

/**
 * Typed events on eventemitter3 whose `safeEmit` never lets a listener's exception escape into the
 * caller (a media loop, a socket handler). A throwing listener is reported as an `error` event when
 * the emitter has one and someone listens, and otherwise rethrown on a later turn so it is not lost.
 * @typeParam Events - Map of event name to listener signature.
 */
export class SafeEventEmitter<Events extends EventEmitter.ValidEventTypes> extends EventEmitter<Events> {
  /**
   * Emits `event` to every listener; a listener that throws does not stop the others.
   * @returns True when the event had listeners.
   */
  protected safeEmit<E extends EventEmitter.EventNames<Events>>(
    event: E,
    ...args: EventEmitter.EventArgs<Events, E>
  ): boolean {
    const listeners = this.listeners(event);
    for (const listener of listeners) {
      try {
        (listener as (...a: unknown[]) => void).apply(this, args as unknown[]);
      } catch (error) {
        this.#report(event, error);
      }
    }
    return listeners.length > 0;
  }

  #report(event: unknown, error: unknown): void {
    const emit = this.emit as unknown as (name: string, value: unknown) => boolean;
    if (event !== 'error' && this.listenerCount('error' as EventEmitter.EventNames<Events>) > 0) {
      try {
        emit.call(this, 'error', error);
        return;
      } catch (next) {
        error = next;
      }
    }
    queueMicrotask(() => {
      throw error;
    });
  }
}
