// The Digital Credentials Consortium's verifier-core (the library behind
// VerifierPlus and the Learner Credential Wallet) on many credential
// files, with nothing fetched (run by app/tests/ob3_dcc.rs):
//
//   node check_dcc.mjs FILE...
//
// Prints one JSON object: for each file its verdict as a person reading
// verifier-core's result would give it, and the result's steps:
//
//   "forged"   a fatal signature error (the proof does not hold)
//   "refused"  any other fatal error (not JSON-LD, no proof, a bad id...)
//   "expired"  the signature holds and the `expiration` step is false,
//              or the credential is not valid yet
//   "valid"    the signature holds and no step is false
//
// verifier-core builds its own document loader (the contexts bundled in
// @digitalcredentials/security-document-loader, did:key resolved
// locally). Any network request (a context it does not bundle, a status
// list, an issuer registry) is refused here and listed under "refused":
// the credentials given carry no status and no registry is named.

import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// The schema verifier-core checks Open Badges against, served from the
// copy kept with the test vectors (1EdTech's, unchanged).
const served = {
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json':
    join(repo, 'tests', 'vectors', 'ob3', 'ob_v3p0_achievementcredential_schema.json'),
};
const loaded = [];
const refused = [];
globalThis.fetch = async (request) => {
  const url = String(request?.url ?? request);
  if (served[url]) {
    loaded.push(url);
    return new Response(readFileSync(served[url]), {
      status: 200, headers: {'content-type': 'application/json'},
    });
  }
  refused.push(url);
  throw new Error(`refused to fetch ${url}: nothing is fetched`);
};

const {verifyCredential} = await import('@digitalcredentials/verifier-core');

function verdict(result) {
  if (result.errors?.length) {
    const names = result.errors.map(e => e.name);
    return names.includes('invalid_signature') ? 'forged' : 'refused';
  }
  // vc.verifyCredential throws for a validFrom still to come without a
  // log entry for it: verifier-core passes the throw on as `error`.
  const message = String(result.error?.message ?? result.error ?? '');
  if (/is before "validFrom"/.test(message)) return 'expired';
  const log = result.log ?? [];
  const step = id => log.find(s => s.id === id);
  if (step('valid_signature')?.valid !== true) return 'refused';
  if (step('expiration')?.valid === false) return 'expired';
  if (result.error) return 'refused';
  // No registry is named, so `registered_issuer` is false for every issuer.
  if (log.some(s => s.valid === false && s.id !== 'registered_issuer')) return 'refused';
  return 'valid';
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check_dcc.mjs FILE...');
  process.exit(2);
}
const results = [];
for (const file of files) {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  const result = await verifyCredential({credential, knownDIDRegistries: []});
  results.push({
    file,
    verdict: verdict(result),
    log: (result.log ?? []).map(s => ({id: s.id, valid: s.valid})),
    errors: (result.errors ?? []).map(e => `${e.name}: ${e.message}`),
    error: result.error ? String(result.error.message ?? result.error) : null,
  });
}
console.log(JSON.stringify({results, loaded: [...new Set(loaded)], refused}));
