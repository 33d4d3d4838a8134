// Spawns the built service (dist/) as real processes for end-to-end and shutdown tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from './eventually';

const children: ChildProcess[] = [];

export function tracked(): readonly ChildProcess[] {
  return children;
}

export type ServiceProcess = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** Starts dist/main/<entry>.js with the given environment; stdout/stderr are captured. */
export function startService(entry: 'web' | 'worker' | 'dev', env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, [path.join(__dirname, '../../dist/main', `${entry}.js`)], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/**
 * Resolves when the predicate holds for the process output, or rejects after timeoutMs; rejects at
 * once if the process exits without printing it.
 */
export async function waitForOutput(
  service: ServiceProcess,
  predicate: (output: string) => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const exitedFirst = await eventually(
    () => {
      if (predicate(service.output())) return false;
      // An exited process prints nothing more: stop waiting and say so below.
      if (service.child.exitCode !== null || service.child.signalCode !== null) return true;
      throw new Error(`output so far:\n${service.output()}`);
    },
    { timeoutMs, what: 'the expected process output' },
  );
  if (exitedFirst) throw new Error(`process exited early:\n${service.output()}`);
}
