// Independent checks of Tessera's Open Badges 3.0 exports, with other
// people's code and nothing fetched (run by tests/ob3_interop.rs):
//
//   node check_ob3.mjs verify FILE [--status URL=FILE]... [--now ISO]
//       Digital Bazaar's vc + data-integrity + eddsa-rdfc-2022 cryptosuite
//       (the verifier behind the DCC's VerifierPlus and Learner Credential
//       Wallet), did:key resolved by @digitalbazaar/did-method-key, the
//       credentialStatus checked with @digitalbazaar/vc-bitstring-status-list
//       against the status list credential files given.
//   node check_ob3.mjs schema FILE      the official AchievementCredential JSON schema (ajv, draft 2019-09)
//   node check_ob3.mjs expand FILE      jsonld.js expansion in safe mode (a dropped term is an error)
//   node check_ob3.mjs jwt FILE         jose: a VC-JWT's EdDSA signature by its kid's did:key, its header and claims
//   node check_ob3.mjs jwks FILE --jwks KEYS
//       jose: a VC-JWT verified with the key a JWK Set (`tessera trust
//       export --format jwks`) holds under the token's header kid
//
// Each prints one JSON object. The document loader serves only the
// contexts bundled in ld/contexts/, the did:key documents and the given
// status lists: any other URL is refused and listed under "refused".

import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as jose from 'jose';
import jsonld from 'jsonld';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const contexts = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-extensions.json',
};

const [command, file, ...rest] = process.argv.slice(2);
const statusFiles = {};
let now;
let jwksFile;
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--status') {
    const [url, path] = rest[++i].split(/=(.*)/s);
    statusFiles[url] = path;
  } else if (rest[i] === '--now') {
    now = rest[++i];
  } else if (rest[i] === '--jwks') {
    jwksFile = rest[++i];
  }
}

const loaded = [];
const refused = [];
const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

async function documentLoader(url) {
  if (contexts[url]) {
    loaded.push(url);
    const document = JSON.parse(readFileSync(join(repo, 'ld', 'contexts', contexts[url]), 'utf8'));
    return {contextUrl: null, documentUrl: url, document};
  }
  if (url.startsWith('did:key:')) {
    loaded.push(url);
    return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
  }
  if (statusFiles[url]) {
    loaded.push(url);
    return {contextUrl: null, documentUrl: url, document: JSON.parse(readFileSync(statusFiles[url], 'utf8'))};
  }
  refused.push(url);
  throw new Error(`refused to load ${url}: nothing is fetched`);
}

function messages(error) {
  if (!error) return [];
  const list = Array.isArray(error) ? error : [error];
  return list.flatMap(e => [
    e.message || String(e),
    ...(e.errors ? messages(e.errors) : []),
    ...(e.cause ? messages(e.cause) : []),
  ]);
}

function proofErrors(result) {
  return (result.results || []).flatMap(r => messages(r.error));
}

async function verify() {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    now: now ? new Date(now) : undefined,
    checkStatus: credential.credentialStatus ? checkStatus : undefined,
  });
  return {
    verified: result.verified,
    errors: [...messages(result.error), ...proofErrors(result)],
    status: result.statusResult ? {
      verified: result.statusResult.verified,
      revoked: (result.statusResult.results || []).map(r => r.status),
      errors: messages(result.statusResult.error),
    } : null,
    verificationMethod: result.results?.[0]?.proof?.verificationMethod ?? null,
  };
}

async function schema() {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  const ajv = new Ajv2019({allErrors: true, strict: false});
  addFormats(ajv);
  const s = JSON.parse(readFileSync(
    join(repo, 'tests', 'vectors', 'ob3', 'ob_v3p0_achievementcredential_schema.json'), 'utf8'));
  const validate = ajv.compile(s);
  const valid = validate(credential);
  return {valid, errors: (validate.errors || []).map(e => `${e.instancePath} ${e.message}`)};
}

async function expand() {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  try {
    const expanded = await jsonld.expand(credential, {documentLoader, safe: true});
    const nquads = await jsonld.toRDF(credential, {documentLoader, safe: true, format: 'application/n-quads'});
    return {expanded: true, statements: nquads.trim().split('\n').length, nodes: expanded.length};
  } catch (e) {
    return {expanded: false, errors: messages(e)};
  }
}

async function jwt() {
  const token = readFileSync(file, 'utf8').trim();
  const header = jose.decodeProtectedHeader(token);
  const [, fragment] = (header.kid || '').split('#');
  const vm = await didKey.get({url: header.kid});
  const raw = (await Ed25519Multikey.from(vm)).publicKey;
  const key = await jose.importJWK(
    {kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url')}, 'EdDSA');
  try {
    const {payload, protectedHeader} = await jose.jwtVerify(token, key, {
      algorithms: ['EdDSA'], typ: 'JWT', currentDate: now ? new Date(now) : undefined,
    });
    return {verified: true, header: protectedHeader, payload, multikey: fragment};
  } catch (e) {
    return {verified: false, header, errors: messages(e)};
  }
}

async function jwks() {
  const token = readFileSync(file, 'utf8').trim();
  const header = jose.decodeProtectedHeader(token);
  const keySet = jose.createLocalJWKSet(JSON.parse(readFileSync(jwksFile, 'utf8')));
  try {
    const {protectedHeader} = await jose.jwtVerify(token, keySet, {
      algorithms: ['EdDSA'], typ: 'JWT', currentDate: now ? new Date(now) : undefined,
    });
    return {verified: true, header: protectedHeader};
  } catch (e) {
    return {verified: false, header, errors: messages(e)};
  }
}

const commands = {verify, schema, expand, jwt, jwks};
if (!commands[command] || !file) {
  console.error('usage: node check_ob3.mjs verify|schema|expand|jwt|jwks FILE [--status URL=FILE] [--now ISO] [--jwks FILE]');
  process.exit(2);
}
const out = await commands[command]();
console.log(JSON.stringify({...out, loaded: [...new Set(loaded)], refused}));
