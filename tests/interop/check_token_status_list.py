"""Read a Tessera status list as an IETF Token Status List token (CWT form)
with independent code: pycose verifies the COSE_Sign1 with the issuer's
exported COSE_Key, cwt decodes the claims, and the `token-status-list`
package's BitArray reads the statuses out of the zlib-compressed `lst`.

Usage: check_token_status_list.py TOKEN.cwt ISSUER.cose_key INDEX...
Prints JSON: the header's typ, the claims, and each index's status
(0 valid, 1 invalid, 2 suspended). Exits 1 with a reason if a check fails.
Run by app/tests/key_lifecycle.rs.
"""
import json
import sys
import zlib

import cbor2
import cwt
from pycose.algorithms import EdDSA
from pycose.headers import Algorithm
from pycose.keys import CoseKey
from pycose.messages import Sign1Message
from token_status_list import BitArray


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


token = open(sys.argv[1], "rb").read()
key_bytes = open(sys.argv[2], "rb").read()
indexes = [int(i) for i in sys.argv[3:]]

msg = Sign1Message.decode(token)
if msg.phdr.get(Algorithm) is not EdDSA:
    fail(f"protected header algorithm is {msg.phdr.get(Algorithm)!r}, not EdDSA")
msg.key = CoseKey.decode(key_bytes)
if not msg.verify_signature():
    fail("pycose: signature does not verify")
protected = cbor2.loads(cbor2.loads(token).value[0])
claims = cwt.decode(token, keys=[cwt.COSEKey.new(cbor2.loads(key_bytes))])
status_list = claims[65533]
bits = status_list["bits"]
statuses = BitArray(bits, zlib.decompress(status_list["lst"]))
print(json.dumps({
    "typ": protected.get(16),
    "sub": claims[2],
    "iat": claims[6],
    "exp": claims.get(4),
    "ttl": claims.get(65534),
    "bits": bits,
    "entries": len(statuses),
    "statuses": {str(i): statuses.get(i) for i in indexes},
}))
