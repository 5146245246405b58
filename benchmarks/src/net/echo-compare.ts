/**
 * The TCP echo part of `bench:compare` (anchors workload 7), as `shared/anchors/run-all.sh`'s
 * `tcp_all` runs it: long-lived echo servers (asyncio and uvloop, streams and Protocol; Node `net`
 * raw and pipe; ours, streams and protocol), all on 127.0.0.1 and pinned to CPU 0 with the load
 * client (`taskset`), an unrecorded warm-up of each at 1 and 100 connections, then per rep
 * `echo_load PORT CONNS SIZE SECONDS WARMUP LABEL` for 64 B / 1 KiB / 64 KiB × 1 and 100
 * connections, server after server (interleaved).
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** One echo server under test. */
export interface EchoServer {
  /** The `system=` label of its lines. */
  label: string;
  argv: string[];
  cwd: string;
  port: number;
  child: ChildProcess | null;
}

/** What the echo runner needs from bench:compare. */
export interface EchoContext {
  anchors: string;
  nodeDir: string;
  benchDir: string;
  py: string | null;
  uvloop: boolean;
  quick: boolean;
  log(message: string): void;
  /** Run one command (the load client) and return its stdout, or null when it failed. */
  run(argv: readonly string[], cwd: string): Promise<string | null>;
}

export const ECHO_SIZES = [64, 1024, 65536];
export const ECHO_CONNS = [1, 100];

/** Build anchors/load/echo_load.c into benchmarks/.cache/echo_load (when missing or older than the source). */
export function buildEchoLoad(ctx: EchoContext): string | null {
  const source = join(ctx.anchors, 'load', 'echo_load.c');
  const dir = join(ctx.benchDir, '.cache');
  const binary = join(dir, 'echo_load');
  mkdirSync(dir, { recursive: true });
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  ctx.log('building .cache/echo_load (cc -O2) ...');
  const cc = spawnSync('cc', ['-O2', '-o', binary, source], { encoding: 'utf8' });
  if (cc.status !== 0) {
    ctx.log(`cc failed: no TCP rows\n${(cc.stderr || String(cc.error)).slice(-400)}`);
    return null;
  }
  return binary;
}

/** A port nobody listens on right now (bound to 127.0.0.1:0, then released). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/** Whether client and server can be pinned to CPU 0 (2+ CPUs and taskset), as run-all.sh. */
export function canPin(): boolean {
  return availableParallelism() >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** The servers of the comparison, with free ports. */
export async function echoServers(ctx: EchoContext): Promise<EchoServer[]> {
  const servers: EchoServer[] = [];
  const add = async (label: string, argv: (port: number) => string[], cwd: string): Promise<void> => {
    const port = await freePort();
    servers.push({ label, argv: argv(port), cwd, port, child: null });
  };
  const echoPy = join(ctx.anchors, 'python', 'echo_server.py');
  const py = ctx.py;
  if (py !== null) {
    await add('py-asyncio-streams', (p) => [py, echoPy, String(p), '--loop', 'asyncio', '--mode', 'streams'], ctx.anchors);
    await add('py-asyncio-protocol', (p) => [py, echoPy, String(p), '--loop', 'asyncio', '--mode', 'protocol'], ctx.anchors);
    if (ctx.uvloop) {
      await add('py-uvloop-streams', (p) => [py, echoPy, String(p), '--loop', 'uvloop', '--mode', 'streams'], ctx.anchors);
      await add('py-uvloop-protocol', (p) => [py, echoPy, String(p), '--loop', 'uvloop', '--mode', 'protocol'], ctx.anchors);
    }
  }
  const echoNode = join(ctx.nodeDir, 'echo_server.mjs');
  await add('node-net-raw', (p) => ['node', echoNode, String(p), 'raw'], ctx.nodeDir);
  await add('node-net-pipe', (p) => ['node', echoNode, String(p), 'pipe'], ctx.nodeDir);
  const ours = join(ctx.benchDir, 'dist', 'net', 'echo-server.js');
  await add('tsyncio-streams', (p) => ['node', ours, String(p), 'streams'], ctx.benchDir);
  await add('tsyncio-protocol', (p) => ['node', ours, String(p), 'protocol'], ctx.benchDir);
  return servers;
}

/** Start every server, wait for its READY line (10 s), pin it to CPU 0. Servers that fail are dropped. */
export async function startEchoServers(ctx: EchoContext, servers: EchoServer[]): Promise<EchoServer[]> {
  const pin = canPin();
  const started: EchoServer[] = [];
  for (const server of servers) {
    const [command, ...args] = server.argv;
    const child = spawn(command!, args, { cwd: server.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server.child = child;
    let output = '';
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, 10_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/READY/.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ready) {
      ctx.log(`server ${server.label} did not start: ${output.slice(-300).replace(/\n/g, ' ')}`);
      stopEchoServer(server);
      continue;
    }
    if (pin && child.pid !== undefined) spawnSync('taskset', ['-a', '-p', '-c', '0', String(child.pid)], { stdio: 'ignore' });
    started.push(server);
  }
  return started;
}

function stopEchoServer(server: EchoServer): void {
  const child = server.child;
  server.child = null;
  if (child?.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // its process group
  } catch {
    // already gone
  }
}

/** Stop every server (kill its process group). */
export function stopEchoServers(servers: readonly EchoServer[]): void {
  for (const server of servers) stopEchoServer(server);
}

function loadArgv(binary: string, pin: boolean, args: (string | number)[]): string[] {
  const argv = [binary, ...args.map(String)];
  return pin ? ['taskset', '-c', '0', ...argv] : argv;
}

/** The unrecorded warm-up of every server at 1 and 100 connections (1 KiB, 1 s). */
export async function warmUpEcho(ctx: EchoContext, binary: string, servers: readonly EchoServer[]): Promise<void> {
  const pin = canPin();
  for (const server of servers) {
    for (const conns of ECHO_CONNS) {
      await ctx.run(loadArgv(binary, pin, [server.port, conns, 1024, ctx.quick ? 0.3 : 1, 0.2, 'warmup']), ctx.benchDir);
    }
  }
}

/** One rep: every size × connections × server; returns the `bench=` lines. */
export async function echoRep(ctx: EchoContext, binary: string, servers: readonly EchoServer[]): Promise<string[]> {
  const pin = canPin();
  const seconds = ctx.quick ? 0.5 : 2;
  const warmup = ctx.quick ? 0.2 : 0.5;
  const lines: string[] = [];
  for (const size of ECHO_SIZES) {
    for (const conns of ECHO_CONNS) {
      for (const server of servers) {
        const out = await ctx.run(loadArgv(binary, pin, [server.port, conns, size, seconds, warmup, server.label]), ctx.benchDir);
        if (out !== null) lines.push(...out.split('\n').filter((l) => l.startsWith('bench=')));
      }
    }
  }
  return lines;
}
