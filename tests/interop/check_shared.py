"""Check Tessera's shared badge files with independent libraries.

Usage: check_shared.py BADGE.jwt ISSUER.jwk BAKED.png BADGE.ob3.json

* PyJWT (with `cryptography`) verifies the VC-JWT with the exported JWK,
  accepting EdDSA only;
* Pillow reads the baked PNG's `openbadgecredential` iTXt chunk, whose text
  is the same VC-JWT, which PyJWT verifies again;
* the plain Open Badges JSON parses and is an OpenBadgeCredential.

Prints {"jwt": claims, "baked": claims, "json": credential} on success;
exits 1 with a reason otherwise. Run by tests/interop_python.rs.
"""
import json
import sys

import jwt
from PIL import Image


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


token = open(sys.argv[1]).read().strip()
jwk = json.load(open(sys.argv[2]))
key = jwt.PyJWK(jwk)
if jwt.get_unverified_header(token).get("kid") != jwk["kid"]:
    fail("the JWT's kid is not the exported JWK's kid")
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
try:
    baked = jwt.decode(text, key, algorithms=["EdDSA"])
except jwt.PyJWTError as e:
    fail(f"PyJWT on the baked credential: {e}")

credential = json.load(open(sys.argv[4]))
if "OpenBadgeCredential" not in credential.get("type", []):
    fail("the JSON is not an OpenBadgeCredential")
for vc in (claims["vc"], baked["vc"], credential):
    if vc["@context"][0] != "https://www.w3.org/ns/credentials/v2":
        fail("not a VC data model 2.0 credential")

print(json.dumps({"jwt": claims, "baked": baked, "json": credential}))
