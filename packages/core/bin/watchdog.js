// The watchdog of a command that must not outlive the process that started it (core's
// src/adapters/watchdog.ts starts it, for runCommand's `watchdog` option). It runs as its own
// file, not from a string of source, so that no build step (tsc, tsx, the minifying bundler)
// can change what runs; CommonJS (bin/package.json): no ES module loader to start.
//
// It leads a process group (its parent started it with setsid), and reads on descriptor 3, one
// end of a socket pair whose other end only its parent holds:
//   - first a line of JSON saying what to start: {command, args, cwd, env, graceMs}. The command
//     joins this process group, and inherits descriptors 0, 1 and 2 as they are;
//   - then nothing, until the parent dies, however it dies (SIGKILL, the OOM killer): the kernel
//     closes its end and this read sees EOF at once. The group then gets SIGTERM, and SIGKILL
//     after graceMs.
// Back on descriptor 3 it writes how things went, one JSON line each: {started: pid},
// {spawnError: text} or {exit: {code, signal}}. After the command exits (and its status is
// written), the whole group is killed: stragglers go with it, whether or not the parent is alive
// to kill them.
//
// SIGTERM, SIGINT and SIGHUP to the group (the parent's timeout, an interrupt) are meant for the
// command: the watchdog ignores them and stays to report how the command ended.
//
// It never touches process.stdin, stdout or stderr: the command shares those descriptors, and
// Node makes a pipe it opens non-blocking, for the command too. It reads no environment variable
// (its parent gives it none); the command's environment comes on the socket.
'use strict';
const { spawn } = require('node:child_process');
const { Socket } = require('node:net');

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => undefined);

/** @param {NodeJS.Signals} sig */
function killGroup(sig) {
  try {
    process.kill(-process.pid, sig);
  } catch {
    /* nothing left */
  }
}

const channel = new Socket({ fd: 3, readable: true, writable: true });
/** Writes one report, then does what comes next (the write is in the socket by then). */
function report(message, then) {
  channel.write(`${JSON.stringify(message)}\n`, () => then());
}

let text = '';
let started = false;
let orphaned = false;

function parentGone() {
  if (!started) process.exit(0); // it said nothing to start, or not all of it: start nothing
  if (orphaned) return;
  orphaned = true;
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), spec.graceMs);
}

/** @type {{command: string, args: string[], cwd: string, env: Record<string, string>, graceMs: number}} */
let spec;
channel.on('data', (chunk) => {
  if (started) return;
  text += chunk.toString('utf8');
  const nl = text.indexOf('\n');
  if (nl < 0) return;
  started = true;
  spec = JSON.parse(text.slice(0, nl));
  let command;
  let failed = false;
  const fail = (e) => {
    failed = true;
    report({ spawnError: e.code ? `${e.code}: ${e.message}` : e.message }, () => process.exit(0));
  };
  try {
    // Not detached: the same process group, so every signal to the group reaches the command.
    command = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: 'inherit' });
  } catch (e) {
    fail(e); // invalid arguments (a NUL byte), as runCommand reports them without a watchdog
    return;
  }
  command.on('spawn', () => report({ started: command.pid }, () => undefined));
  command.on('error', (e) => fail(e));
  command.on('exit', (code, signal) => {
    if (failed) return;
    if (orphaned) killGroup('SIGKILL');
    else report({ exit: { code, signal } }, () => killGroup('SIGKILL'));
  });
});
channel.on('close', parentGone);
channel.on('error', () => undefined); // EPIPE and the like: 'close' follows
