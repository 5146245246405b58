/**
 * The waiter list: the one queue of blocked tasks that every primitive of this package is built
 * on (asyncio's `_waiters` / `_getters` / `_putters` deques; Trio's `ParkingLot`).
 *
 * ## Waiters are futures
 *
 * A task that has to wait creates a {@link Waiter} — a Future of the running loop — appends it to
 * the primitive's list and waits on it with `yield*`. Waking a task means setting its waiter's
 * result; cancelling the task cancels the waiter (that is how `Task.cancel()` reaches the `yield*`
 * where the task waits), so the CancelledError surfaces inside the primitive's own code, which
 * repairs the primitive's state before re-raising it.
 *
 * A waiter in the list is in one of three states:
 *
 * ```
 *   pending ──wake (setResult)──→ woken      the task is scheduled but has not run yet
 *      └─────task.cancel()─────→ cancelled  the task will see CancelledError when it runs
 * ```
 *
 * and leaves the list when its own task runs again (in a `finally`, exactly where asyncio calls
 * `deque.remove(fut)`), or — for the queues — when the waker pops it (asyncio's `popleft`).
 *
 * ## FIFO order
 *
 * Waiters are appended at the back and woken from the front, skipping the ones that are already
 * done, so among the tasks that were not cancelled, the one that has waited longest is woken
 * first. Every primitive also refuses to let a newcomer overtake a waiter ("no barging"):
 *
 * - `Lock.acquire()` takes the fast path only when the lock is free *and* no waiter is active
 *   (pending or woken-but-not-yet-run); a woken waiter keeps the lock reserved until it runs.
 * - `Semaphore.acquire()` does the same (`locked()` is true while any waiter is active), and the
 *   permit is handed over at wake-up: the waker decrements the counter for the woken task.
 * - The queues are the one deliberate exception, as in asyncio: `getNowait()` may take the item a
 *   woken getter was woken for; the woken getter then finds the queue empty and waits again, at
 *   the back of the line.
 *
 * ## The cancel-handoff rule
 *
 * A wakeup is never lost. When a task is woken and cancelled before it runs (both happen in the
 * same loop iteration, so the task cannot tell which came first), its waiter is "done and not
 * cancelled" while the task receives a CancelledError. Such a task owns a wakeup it will not use,
 * and passes it on before re-raising:
 *
 * - Lock: if the lock is still free, wake the first waiter.
 * - Semaphore: give the permit back (`value += 1`), then wake waiters while permits remain.
 * - Condition: `wait()` re-acquires the lock, then notifies one other waiter (a spurious wakeup
 *   is allowed; a lost one is not).
 * - Queue: if an item (getter) or a free slot (putter) remains, wake the next waiter.
 *
 * A task cancelled *before* being woken simply leaves the list: nothing was given to it.
 *
 * ## Why a linked list, not a Deque of futures
 *
 * asyncio's deques need `deque.remove(fut)` when a waiter leaves from the middle (a cancelled
 * waiter), which is O(n): cancelling every one of n waiters costs O(n²). Skipping done futures
 * lazily instead of removing them would change what the primitives observe (asyncio's
 * `Lock._wake_up_first` looks at the first waiter even when it is already done, and a waiter that
 * was cancelled but has not run yet still counts in `waiters:N`). So the list keeps asyncio's
 * exact operations — append, remove-on-leave, first, popleft, iterate, length — on an intrusive
 * doubly linked list whose nodes are the waiter futures themselves: O(1) append and removal from
 * anywhere, and no allocation besides the future a wait needs anyway. The algorithms of
 * `locks.py` and `queues.py` are unchanged; the property tests check them against a model.
 *
 * The list also counts its cancelled members (a waiter's `cancel()` tells its list), so "is any
 * waiter active?" — asyncio's `all(w.cancelled() for w in waiters)`, an O(n) scan on every
 * contended `acquire()` — is O(1).
 *
 * @module
 */
import { Future } from '@tsyncio/futures';
import type { EventLoop } from '@tsyncio/loop';

/**
 * A waiter: the future a blocked task waits on, and its own node in a {@link WaiterList}.
 *
 * @internal
 */
export class Waiter<T> extends Future<T> {
  // assigned in the constructor rather than with field initializers, which V8 runs more slowly
  /** @internal the list the waiter is in (null once it left) */
  declare _list: WaiterList<T> | null;
  /** @internal */
  declare _prev: Waiter<T> | null;
  /** @internal */
  declare _next: Waiter<T> | null;

  constructor(loop: EventLoop) {
    super({ loop });
    this._list = null;
    this._prev = null;
    this._next = null;
  }

  /** Cancel the waiter (what `Task.cancel()` does to the future its task waits on). */
  override cancel(msg?: unknown): boolean {
    if (!super.cancel(msg)) return false;
    const list = this._list;
    if (list !== null) list._cancelled++;
    return true;
  }
}

/**
 * A FIFO list of waiters with O(1) append, removal and "any active waiter?". See the module notes
 * for the rules every primitive follows.
 *
 * @internal
 */
export class WaiterList<T> {
  /** @internal */
  _head: Waiter<T> | null = null;
  /** @internal */
  _tail: Waiter<T> | null = null;
  /** The number of waiters in the list (pending, woken or cancelled, until they leave). */
  length = 0;
  /** @internal how many waiters in the list are cancelled */
  _cancelled = 0;

  /** Whether some waiter is not cancelled (pending, or woken but not yet run). */
  hasActive(): boolean {
    return this.length > this._cancelled;
  }

  /** The front waiter, or null. */
  first(): Waiter<T> | null {
    return this._head;
  }

  /** A new pending waiter on `loop`, appended at the back. */
  add(loop: EventLoop): Waiter<T> {
    const waiter = new Waiter<T>(loop);
    this.append(waiter);
    return waiter;
  }

  /** Append `waiter` (pending, in no list) at the back. */
  append(waiter: Waiter<T>): void {
    const tail = this._tail;
    waiter._list = this;
    waiter._prev = tail;
    waiter._next = null;
    if (tail === null) this._head = waiter;
    else tail._next = waiter;
    this._tail = waiter;
    this.length++;
    if (waiter.cancelled()) this._cancelled++;
  }

  /**
   * Take `waiter` out of the list, wherever it is; nothing when it already left (asyncio's
   * `deque.remove` with the ValueError ignored).
   *
   * @returns whether it was in the list.
   */
  remove(waiter: Waiter<T>): boolean {
    if (waiter._list !== this) return false;
    const prev = waiter._prev;
    const next = waiter._next;
    if (prev === null) this._head = next;
    else prev._next = next;
    if (next === null) this._tail = prev;
    else next._prev = prev;
    waiter._list = null;
    waiter._prev = null;
    waiter._next = null;
    this.length--;
    if (waiter.cancelled()) this._cancelled--;
    return true;
  }

  /** Remove and return the front waiter, or null (asyncio's `popleft`). */
  shift(): Waiter<T> | null {
    const head = this._head;
    if (head !== null) this.remove(head);
    return head;
  }

  /**
   * Wake the front waiter unless it is already done — and only the front one: a done front waiter
   * is either woken already or cancelled, and then its own task passes the wakeup on. asyncio's
   * `Lock._wake_up_first`.
   */
  wakeFirst(value: T): void {
    const head = this._head;
    if (head !== null && !head.done()) head.setResult(value);
  }

  /**
   * Wake the first waiter that is not done, leaving it in the list (its task removes it).
   * asyncio's `Semaphore._wake_up_next`.
   *
   * @returns whether a waiter was woken.
   */
  wakeNext(value: T): boolean {
    for (let waiter = this._head; waiter !== null; waiter = waiter._next) {
      if (!waiter.done()) {
        waiter.setResult(value);
        return true;
      }
    }
    return false;
  }

  /**
   * Pop waiters from the front until one is not done, and wake that one. asyncio's
   * `Queue._wakeup_next`.
   *
   * @returns whether a waiter was woken.
   */
  shiftNext(value: T): boolean {
    let waiter = this._head;
    while (waiter !== null) {
      this.remove(waiter);
      if (!waiter.done()) {
        waiter.setResult(value);
        return true;
      }
      waiter = this._head;
    }
    return false;
  }

  /**
   * Wake up to `n` waiters that are not done, front to back, leaving them in the list.
   * asyncio's `Condition._notify(n)`; with `n = Infinity`, `Event.set()`.
   *
   * @returns how many were woken.
   */
  wakeUpTo(n: number, value: T): number {
    let woken = 0;
    let waiter = this._head;
    while (waiter !== null && woken < n) {
      const next = waiter._next;
      if (!waiter.done()) {
        woken++;
        waiter.setResult(value);
      }
      waiter = next;
    }
    return woken;
  }

  /** Pop every waiter and wake those that are not done. asyncio's `Queue.shutdown` loops. */
  shiftAll(value: T): void {
    let waiter = this._head;
    while (waiter !== null) {
      this.remove(waiter);
      if (!waiter.done()) waiter.setResult(value);
      waiter = this._head;
    }
  }
}
