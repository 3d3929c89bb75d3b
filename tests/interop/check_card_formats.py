"""Check Tessera's card and print exports with independent libraries.

Usage: check_card_formats.py BADGE.ndef BADGE.cbor BADGE.qr.svg TRUST.jwks BADGE.jwt

* ndeflib parses the NDEF card image (TLV 03, one record) and finds the
  external type `tsr.io:b` whose payload is exactly the .cbor badge;
* the SVG QR code is well-formed XML with an <svg> root that draws;
* PyJWT's JWK Set reader loads the trust file and verifies the VC-JWT with
  the key named by the JWT's kid (a did:key verification method).

Prints "ok" on success; exits 1 with a reason otherwise.
"""
import base64
import sys
import xml.etree.ElementTree as ET

import jwt

from multikey import method_key
import ndef


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


image = open(sys.argv[1], "rb").read()
cbor = open(sys.argv[2], "rb").read()
if image[0] != 0x03:
    fail(f"card image starts with TLV {image[0]:#04x}, not 03 (NDEF message)")
if image[1] == 0xFF:
    length, start = int.from_bytes(image[2:4], "big"), 4
else:
    length, start = image[1], 2
message = image[start:start + length]
if image[start + length] != 0xFE:
    fail("no terminator TLV after the NDEF message")
records = list(ndef.message_decoder(message))
if len(records) != 1:
    fail(f"{len(records)} records, expected 1")
record = records[0]
if record.type != "urn:nfc:ext:tsr.io:b":
    fail(f"record type {record.type!r}")
if record.data != cbor:
    fail("the record's payload is not the badge")

svg = ET.parse(sys.argv[3]).getroot()
if not svg.tag.endswith("svg") or len(list(svg.iter())) < 2:
    fail(f"not a drawing SVG: {svg.tag}")

keys = jwt.PyJWKSet.from_json(open(sys.argv[4]).read())
token = open(sys.argv[5]).read().strip()
raw = method_key(jwt.get_unverified_header(token)["kid"])
x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
matching = [k for k in keys.keys if k._jwk_data.get("x") == x]
if not matching:
    fail("no key of the JWK Set is the one the JWT's kid names")
key = matching[0]
try:
    jwt.decode(token, key, algorithms=["EdDSA"])
except jwt.PyJWTError as e:
    fail(f"PyJWT with the JWK Set: {e}")
print("ok")
