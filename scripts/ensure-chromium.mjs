// Run before `npm test`: the Bull Board browser test drives Debian's chromium. A fresh machine of
// ours has Postgres and Redis but no browser, so this installs Debian's package when it can, and
// otherwise stops with one line saying what to install. No browser is downloaded from elsewhere.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// The test reads the same variable with the same default.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function canRun(command, args) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function install() {
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : canRun('sudo', ['-n', 'true']) ? ['sudo', '-n'] : null;
  if (prefix === null || !canRun('apt-get', ['--version'])) return false;
  const run = (args) => {
    const [command, ...rest] = [...prefix, ...args];
    execFileSync(command, rest, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  console.log("Chromium not found: installing Debian's chromium package for the Bull Board browser test");
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', 'chromium']);
  } catch {
    return false;
  }
  return existsSync(chromium);
}

if (!existsSync(chromium) && !install()) {
  console.error(
    `Chromium not found at ${chromium}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`,
  );
  process.exit(1);
}
