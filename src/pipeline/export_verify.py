#!/usr/bin/env python3
"""Verify a reform-radar evidence bundle with the Python standard library only.

Usage: python3 data/verify.py [PUBLISHED_ROOT_BASE64]

For every ledger entry in data/ledger/entries.jsonl: the RFC 6962 leaf hash of
its bytes, its Merkle inclusion proof up to the checkpoint's root, and the
SHA-256 of its archived payload or uploaded file. The checkpoint's Ed25519
signature is checked with openssl (see VERIFY.md).
"""
import base64
import hashlib
import json
import os
import sys

DATA = os.path.dirname(os.path.abspath(__file__))


def leaf_hash(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn & 1 == 0:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    with open(os.path.join(DATA, "ledger", "checkpoint.txt"), "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2])
    print("检查点 %s：树大小 %d，根哈希 %s" % (origin, size, lines[2]))
    problems = []
    if len(sys.argv) > 1:
        published = base64.b64decode(sys.argv[1])
        if published != root:
            problems.append("包内检查点的根哈希与公开发布的根哈希不一致")
    count = 0
    with open(os.path.join(DATA, "ledger", "entries.jsonl"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            count += 1
            seq = rec["seq"]
            with open(os.path.join(DATA, rec["entry_file"]), "rb") as ef:
                raw = ef.read()
            leaf = leaf_hash(raw)
            if leaf.hex() != rec["leaf_hash"]:
                problems.append("记录 %d：原文的叶子哈希与索引不符（记录被改动）" % seq)
            proof = [bytes.fromhex(p) for p in rec["inclusion_proof"]]
            if not verify_inclusion(seq, rec["tree_size"], leaf, proof, root) or rec["tree_size"] != size:
                problems.append("记录 %d：包含证明不能推出检查点根哈希（记录被改动或不属于该台账）" % seq)
            entry = json.loads(raw.decode("utf-8"))
            ev = entry.get("evidence", {})
            if "payload" in rec and sha256_file(os.path.join(DATA, rec["payload"])) != ev.get("payload_sha256"):
                problems.append("记录 %d：网页正文的 SHA-256 与记录不符" % seq)
            if "file" in rec and sha256_file(os.path.join(DATA, rec["file"])) != ev.get("sha256"):
                problems.append("记录 %d：上传文件的 SHA-256 与记录不符" % seq)
            print("记录 %d：%s %s %s《%s》" % (seq, entry.get("action"), entry.get("item"),
                                           entry.get("evidence_date"), entry.get("title")))
    for p in problems:
        print("错误：" + p)
    if problems:
        print("核验未通过：%d 处问题" % len(problems))
        return 1
    print("核验通过：%d 条记录均包含在检查点（树大小 %d）之中，证据摘要一致" % (count, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
