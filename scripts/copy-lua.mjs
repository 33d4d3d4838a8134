// tsc copies no .lua files: the build puts each Redis script beside the compiled module that reads it.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

const from = path.join('src', 'jobs', 'lua');
const to = path.join('dist', 'jobs', 'lua');
mkdirSync(to, { recursive: true });
for (const file of readdirSync(from).filter((name) => name.endsWith('.lua'))) {
  cpSync(path.join(from, file), path.join(to, file));
}
