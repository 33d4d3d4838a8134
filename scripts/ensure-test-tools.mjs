// Run before `npm test`: two tests need a Debian tool a fresh machine of ours does not have:
// the Bull Board browser test drives `chromium`, and the alert rules' test runs `promtool`
// (Debian's `prometheus` package). Each is installed with apt-get when it can be (root, or
// sudo without a password); otherwise this stops with one line saying what to install. Nothing is
// downloaded from anywhere but Debian's archive.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// The browser test reads the same variable with the same default.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function canRun(command, args) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const TOOLS = [
  { name: 'chromium', pkg: 'chromium', present: () => existsSync(chromium), hint: 'or set CHROMIUM_PATH' },
  { name: 'promtool', pkg: 'prometheus', present: () => canRun('promtool', ['--version']), hint: '' },
];

let updated = false;
function install(pkg) {
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
  try {
    if (!updated) run(['apt-get', 'update', '-qq']);
    updated = true;
    run(['apt-get', 'install', '-y', '-qq', pkg]);
    return true;
  } catch {
    return false;
  }
}

for (const tool of TOOLS) {
  if (tool.present()) continue;
  console.log(`${tool.name} not found: installing Debian's ${tool.pkg} package for the tests`);
  if (!install(tool.pkg) || !tool.present()) {
    console.error(
      `${tool.name} not found: install Debian's ${tool.pkg} package (apt-get install ${tool.pkg}) ${tool.hint}`.trim(),
    );
    process.exit(1);
  }
}
