"""The Ed25519 key of a did:key verification method (did:key:z6Mk…#z6Mk…),
decoded here (base58btc, multicodec 0xed01) so that the checks do not take
Tessera's word for it."""

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(text):
    n = 0
    for c in text:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def method_key(kid):
    """The 32 key bytes of a verification method; ValueError if it is not
    an Ed25519 did:key whose fragment is the same key."""
    did, _, fragment = kid.partition("#")
    if not did.startswith("did:key:z") or did[len("did:key:"):] != fragment:
        raise ValueError(f"not a did:key verification method: {kid}")
    raw = b58decode(fragment[1:])
    if raw[:2] != b"\xed\x01" or len(raw) != 34:
        raise ValueError(f"not an Ed25519 Multikey: {fragment}")
    return raw[2:]
