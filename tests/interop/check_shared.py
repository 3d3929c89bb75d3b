"""Check Tessera's shared badge files with independent libraries.

Usage: check_shared.py BADGE.jwt ISSUER.jwk BAKED.png BADGE.ob3.json

* PyJWT (with `cryptography`) verifies the VC-JWT with the exported JWK,
  accepting EdDSA only, and its header's kid is the did:key verification
  method of that very key;
* Pillow reads the baked PNG's `openbadgecredential` iTXt chunk, whose text
  is the signed JSON credential, the same as BADGE.ob3.json;
* the Open Badges JSON parses and is an OpenBadgeCredential.

Prints {"jwt": claims, "baked": credential, "json": credential} on success;
exits 1 with a reason otherwise. Run by app/tests/interop_python.rs.
"""
import json
import sys

import base64

import jwt
from PIL import Image

from multikey import method_key


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


token = open(sys.argv[1]).read().strip()
jwk = json.load(open(sys.argv[2]))
key = jwt.PyJWK(jwk)
header = jwt.get_unverified_header(token)
try:
    raw = method_key(header.get("kid", ""))
except ValueError as e:
    fail(f"the JWT's kid: {e}")
if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != jwk["x"]:
    fail("the JWT's kid names another key than the exported JWK")
if header.get("typ") != "JWT":
    fail(f"the JWT's typ is {header.get('typ')!r}, not JWT")
try:
    claims = jwt.decode(token, key, algorithms=["EdDSA"])
except jwt.PyJWTError as e:
    fail(f"PyJWT: {e}")

image = Image.open(sys.argv[3])
image.load()
if image.format != "PNG" or image.size[0] < 128:
    fail(f"not a badge picture: {image.format} {image.size}")
text = image.text.get("openbadgecredential")
if text is None:
    fail(f"Pillow finds no openbadgecredential chunk (chunks: {list(image.text)})")
baked = json.loads(text)

credential = json.load(open(sys.argv[4]))
if "OpenBadgeCredential" not in credential.get("type", []):
    fail("the JSON is not an OpenBadgeCredential")
if baked != credential:
    fail("the baked credential is not the JSON export")
for vc in (claims, baked, credential):
    if vc["@context"][0] != "https://www.w3.org/ns/credentials/v2":
        fail("not a VC data model 2.0 credential")

print(json.dumps({"jwt": claims, "baked": baked, "json": credential}))
