// Copies the response schemas the local Twilio stand-in must match out of Twilio's OpenAPI
// descriptions (twilio/twilio-oai, MIT licence) into tests/twilio/twilio-oai-schemas.json, so
// the shape test needs nothing outside the repository. Run again when the descriptions change:
//   node scripts/extract-twilio-schemas.mjs [path to the twilio-oai spec/json folder]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? path.join(root, '../shared/twilio-oai');
const WANTED = {
  'twilio_api_v2010.json': ['api.v2010.account.message', 'api.v2010.account.message.media'],
  'twilio_verify_v2.json': ['verify.v2.service.verification', 'verify.v2.service.verification_check'],
};

const schemas = {};
for (const [file, names] of Object.entries(WANTED)) {
  const doc = JSON.parse(readFileSync(path.join(source, file), 'utf8'));
  for (const name of names) {
    if (!doc.components.schemas[name]) throw new Error(`${file} has no schema ${name}`);
    schemas[name] = doc.components.schemas[name];
  }
}
const out = path.join(root, 'tests/twilio/twilio-oai-schemas.json');
const provenance = `twilio/twilio-oai spec/json (MIT licence), copied by scripts/extract-twilio-schemas.mjs`;
writeFileSync(out, `${JSON.stringify({ source: provenance, schemas }, null, 2)}\n`);
console.log(`wrote ${Object.keys(schemas).length} schemas to ${path.relative(root, out)}`);
