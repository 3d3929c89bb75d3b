"""Verify a Tessera badge with independent libraries (pycose and cwt).

Usage: verify_with_pycose.py BADGE.cbor ISSUER.cose_key
Prints the decoded claims as JSON on success; exits 1 with a reason if any
check fails. Run by app/tests/interop_python.rs.
"""
import hashlib
import json
import sys

import cbor2
import cwt
from pycose.keys import CoseKey
from pycose.messages import Sign1Message
from pycose.headers import KID, Algorithm
from pycose.algorithms import EdDSA


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


badge = open(sys.argv[1], "rb").read()
key_bytes = open(sys.argv[2], "rb").read()

key = CoseKey.decode(key_bytes)
msg = Sign1Message.decode(badge)
if msg.phdr.get(Algorithm) is not EdDSA:
    fail(f"protected header algorithm is {msg.phdr.get(Algorithm)!r}, not EdDSA")
msg.key = key
if not msg.verify_signature():
    fail("pycose: signature does not verify")

# Our kid derivation, recomputed here from the documented formula.
x = cbor2.loads(key_bytes)[-2]
kid = hashlib.sha512(bytes.fromhex("a301012006215820") + x).digest()[:4]
if msg.phdr.get(KID) != kid:
    fail(f"kid {msg.phdr.get(KID)!r} != documented derivation {kid!r}")

# cwt: a second, independent CWT implementation (checks claim types and times).
cwt_key = cwt.COSEKey.new(cbor2.loads(key_bytes))
claims = cwt.decode(badge, keys=[cwt_key])

payload = cbor2.loads(msg.payload)
if payload != claims:
    fail(f"pycose and cwt disagree: {payload!r} vs {claims!r}")
badge_map = payload[-65537]
print(json.dumps({
    "iss": payload.get(1),
    "sub": payload[2],
    "exp": payload.get(4),
    "iat": payload[6],
    "serial": int.from_bytes(payload[7], "big"),
    "achievement_id": badge_map[1],
    "achievement_name": badge_map.get(2),
    "level": badge_map.get(3),
    "evidence": badge_map.get(4),
    "display_name": badge_map.get(5),
}))
