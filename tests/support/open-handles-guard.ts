// Fails a test file that leaves child processes running: a leaked worker or server would
// otherwise make later tests flaky or keep jest from exiting.
import { tracked } from './processes';

afterAll(() => {
  const alive = tracked().filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of alive) child.kill('SIGKILL');
  if (alive.length > 0) throw new Error(`${alive.length} child process(es) were left running`);
});
