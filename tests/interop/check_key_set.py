"""Pick keys out of Tessera's COSE_KeySet (`tessera trust export --format
cose-key-set`) by the identifiers its credentials carry, with independent
code: pycose decodes every COSE_Key of the set and verifies the COSE badge
with the key whose `kid` is the badge's header kid; PyJWT verifies the
VC-JWT with the key whose `kid` is the JWT header's `kid` (the did:key
verification method).

Usage: check_key_set.py SET.cose BADGE.cbor BADGE.jwt
Prints JSON: the set's kids and which one each credential was verified
with. Exits 1 with a reason if a check fails. Run by app/tests/interop_python.rs.
"""
import json
import sys

import cbor2
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pycose.headers import KID
from pycose.keys import CoseKey
from pycose.messages import Sign1Message


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


entries = cbor2.loads(open(sys.argv[1], "rb").read())
if not isinstance(entries, list) or not entries:
    fail("the COSE_KeySet is not a non-empty CBOR array")
keys = [CoseKey.decode(cbor2.dumps(e)) for e in entries]
by_kid = {bytes(k.kid): k for k in keys}
if len(by_kid) != len(keys):
    fail("two COSE_Keys in the set share a kid")

badge = Sign1Message.decode(open(sys.argv[2], "rb").read())
badge_kid = badge.phdr.get(KID) or badge.uhdr.get(KID)
if badge_kid is None or bytes(badge_kid) not in by_kid:
    fail(f"no COSE_Key in the set has the badge's kid {badge_kid!r}")
badge.key = by_kid[bytes(badge_kid)]
if not badge.verify_signature():
    fail("pycose: the badge does not verify with the key its kid names")

token = open(sys.argv[3]).read().strip()
jwt_kid = jwt.get_unverified_header(token)["kid"]
key = by_kid.get(jwt_kid.encode())
if key is None:
    fail(f"no COSE_Key in the set has the VC-JWT's kid {jwt_kid!r}")
public = Ed25519PublicKey.from_public_bytes(bytes(key.x))
claims = jwt.decode(token, public, algorithms=["EdDSA"], options={"verify_aud": False})

print(json.dumps({
    "kids": [k.kid.hex() if len(k.kid) == 4 else k.kid.decode() for k in keys],
    "badge_kid": bytes(badge_kid).hex(),
    "jwt_kid": jwt_kid,
    "jwt_id": claims.get("jti"),
}))
