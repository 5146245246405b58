// tsyncio from plain async code, without run(): tasks started on the default loop (which runs
// itself), awaited like promises; a promise waited on inside a coroutine; an AbortSignal that
// stops promise-based work when its task is cancelled.
//
//   node dist/promise-interop.js
import { CancelledError, createTask, fromPromise, sleep, type Coroutine } from 'tsyncio';

/** Promise-based work that honours an AbortSignal (like fetch(url, { signal })). */
function slowPromise(seconds: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      resolve(`waited ${seconds} s`);
    }, seconds * 1000);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}

function* double(n: number): Coroutine<number> {
  yield* sleep(0.01);
  return n * 2;
}

function* download(seconds: number): Coroutine<string> {
  // cancelling the task aborts the signal, and the yield* throws CancelledError at once
  return yield* fromPromise((signal) => slowPromise(seconds, signal));
}

// plain async code: no run(), no loop in sight
console.log('double(21) =', await createTask(double(21)));

const quick = createTask(download(0.02));
console.log('quick download:', await quick);

const slow = createTask(download(60));
setTimeout(() => slow.cancel('user pressed stop'), 50);
try {
  await slow;
} catch (error) {
  if (!(error instanceof CancelledError)) throw error;
  console.log(`slow download cancelled (${error.message}); the process exits: nothing is left running`);
}
