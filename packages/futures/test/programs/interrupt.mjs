// A tsyncio program for runner.node.test.ts: run() with Ctrl-C (SIGINT) sent by the test.
// Runs against the built package (dist/), imported by its own name (a package self-reference).
//
// Modes (argv[2]):
//   clean     main waits; the first SIGINT cancels it, its finally block cleans up (with a wait),
//             run() rejects with KeyboardInterrupt; exit code 130 set by this program
//   stubborn  main swallows the first cancellation and keeps waiting: the second SIGINT exits at once
//   foreign   the program listens to SIGINT itself, so run() leaves SIGINT alone
import { CancelledError, KeyboardInterrupt, run, sleep } from '@tsyncio/futures';

const mode = process.argv[2];

function* clean() {
  try {
    console.log('ready');
    yield* sleep(60);
  } finally {
    yield* sleep(0.05);
    console.log('cleanup');
  }
}

function* stubborn() {
  console.log('ready');
  try {
    yield* sleep(60);
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('caught the cancellation');
  }
  yield* sleep(60);
}

let interrupted = false;

function* foreign() {
  console.log('ready');
  while (!interrupted) yield* sleep(0.01);
  return 'main finished';
}

const mains = { clean, stubborn, foreign };

try {
  if (mode === 'foreign') {
    process.on('SIGINT', () => {
      interrupted = true;
      console.log('own handler');
    });
  }
  console.log(await run(mains[mode]));
} catch (e) {
  console.log(e.name);
  process.exitCode = e instanceof KeyboardInterrupt ? 130 : 1;
}
