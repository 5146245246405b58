/**
 * A small seeded pseudo-random generator for the pipe's random chunking: the same seed gives the
 * same sequence on every platform, so a failing test replays exactly. Not for cryptography.
 *
 * @module
 */

/** @internal xorshift32 (Marsaglia): 32-bit state, never zero. */
export class Prng {
  private _state: number;

  /** @param seed any number; 0 is replaced by a fixed non-zero constant */
  constructor(seed: number) {
    const s = Math.trunc(seed) >>> 0;
    this._state = s === 0 ? 0x9e3779b9 : s;
  }

  /** The next value, an unsigned 32-bit integer. */
  nextUint32(): number {
    let x = this._state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this._state = x >>> 0;
    return this._state;
  }

  /** An integer in `[low, high]`. */
  between(low: number, high: number): number {
    return low + (this.nextUint32() % (high - low + 1));
  }
}
