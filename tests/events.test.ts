import { describe, expect, it } from 'vitest';
import { SafeEventEmitter } from '../src/events.js';

interface Events {
  frame: (n: number) => void;
  error: (error: unknown) => void;
}

class Emitter extends SafeEventEmitter<Events> {
  fire(n: number): boolean {
    return this.safeEmit('frame', n);
  }
}

describe('SafeEventEmitter', () => {
  it('a throwing listener does not stop the others and is reported as an error event', () => {
    const emitter = new Emitter();
    const got: number[] = [];
    const errors: unknown[] = [];
    emitter.on('frame', () => {
      throw new Error('listener bug');
    });
    emitter.on('frame', (n) => got.push(n));
    emitter.on('error', (e) => errors.push(e));
    expect(() => emitter.fire(7)).not.toThrow();
    expect(got).toEqual([7]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('listener bug');
  });

  it('without an error listener the exception is rethrown later, not into the caller', async () => {
    const emitter = new Emitter();
    emitter.on('frame', () => {
      throw new Error('late');
    });
    const caught = new Promise<unknown>((resolve) => {
      const handler = (error: unknown): void => {
        process.off('uncaughtException', handler);
        resolve(error);
      };
      process.on('uncaughtException', handler);
    });
    expect(emitter.fire(1)).toBe(true);
    expect(((await caught) as Error).message).toBe('late');
  });

  it('reports whether anyone listened', () => {
    expect(new Emitter().fire(1)).toBe(false);
  });
});
