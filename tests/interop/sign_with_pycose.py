"""Make a badge with pycose, using Tessera's claims layout but another
encoder's choices: claims in non-sorted order, kid in the unprotected header.

Usage: sign_with_pycose.py SEED_HEX OUT.cbor
Run by app/tests/interop_python.rs, which verifies OUT.cbor with tessera-core.
"""
import hashlib
import sys

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pycose.algorithms import EdDSA
from pycose.headers import KID, Algorithm
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import Sign1Message

seed = bytes.fromhex(sys.argv[1])
# The public key from the seed, by `cryptography` (pycose's own backend).
x = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
key = OKPKey(crv=Ed25519, d=seed, x=x)
kid = hashlib.sha512(bytes.fromhex("a301012006215820") + x).digest()[:4]

# Deliberately not in deterministic order: the badge map first, sub last.
claims = {
    -65537: {2: "Interop with pycose", 1: "PY-1", 3: 4},
    7: (77).to_bytes(1, "big"),
    6: 1788220800,
    4: 1883001600,
    1: "pycose Test Center",
    2: "q1Jd0Yc2oQ8Fh3Wb",
    500: "an unknown claim, to be ignored",
}
msg = Sign1Message(
    phdr={Algorithm: EdDSA},
    uhdr={KID: kid},
    payload=cbor2.dumps(claims),
)
msg.key = key
open(sys.argv[2], "wb").write(msg.encode())
