// The WebAssembly build of the verifier, run by Node on the inputs a Rust
// test gives it: prints each input's verdict and reason (a JSON array of
// [verdict, reason]), which the test compares with the same verifier
// compiled natively.
//
//   node web/tests/differential.mjs DIST_DIR INPUTS.json
//
// INPUTS.json: {"site": <site data object>, "now": <unix seconds>,
//               "inputs": ["<base64>", ...]}
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const [dist, inputsFile] = process.argv.slice(2);
if (!dist || !inputsFile) {
  console.error('usage: node web/tests/differential.mjs DIST_DIR INPUTS.json');
  process.exit(2);
}
// The no-modules glue declares `wasm_bindgen` in the script scope.
const glue = readFileSync(join(dist, 'tessera_web.js'), 'utf8');
vm.runInThisContext(`${glue}\n;globalThis.wasm_bindgen = wasm_bindgen;`);
const wasm = readFileSync(join(dist, 'tessera_web_bg.wasm'));
await globalThis.wasm_bindgen({ module_or_path: wasm });
const { site, now, inputs } = JSON.parse(readFileSync(inputsFile, 'utf8'));
const verifier = new globalThis.wasm_bindgen.Verifier(JSON.stringify(site));
const verdicts = inputs.map((b64) => {
  const report = JSON.parse(verifier.check(Buffer.from(b64, 'base64'), now));
  return [report.verdict, report.reason];
});
process.stdout.write(JSON.stringify(verdicts));
