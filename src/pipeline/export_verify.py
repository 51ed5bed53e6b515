#!/usr/bin/env python3
"""Verify a reform-radar evidence bundle with the Python standard library only.

Usage:
  python3 data/verify.py                              # against the bag's own checkpoint
  python3 data/verify.py --published CHECKPOINT.note  # and one published earlier (repeatable)
  python3 data/verify.py --size N --root BASE64       # a published size and root
  python3 data/verify.py BASE64                       # a published root of the bag's size

What it checks, trusting only the published checkpoint:
  1. the bag: every file's SHA-256 against manifest-sha256.txt, that manifest
     and bag-info.txt against tagmanifest-sha256.txt, and the Ed25519
     signature of tagmanifest-sha256.txt by the ledger key (so manifests
     recomputed after a change are caught), no file unlisted;
  2. the bag's checkpoint: its Ed25519 signature, and its root recomputed
     (RFC 6962) from every leaf of the tree in ledger/leaves.jsonl;
  3. each published checkpoint: its signature by the same key, and that the
     bag's tree extends it (the root of the first N leaves equals its root);
  4. completeness: every leaf of this enterprise has its entry in the bag,
     with the SHA-256 the leaf commits to (undo entries included);
  5. evidence: each archived record's payload and each file has the digest
     written in its signed entry (never a digest the bag supplies);
  6. the scorecard: recomputed from the entries and the bag's rules.toml, it
     must equal scorecard.json.
"""
import base64
import gzip
import hashlib
import json
import os
import sys
import tomllib

DATA = os.path.dirname(os.path.abspath(__file__))
BAG = os.path.dirname(DATA)

# --- Ed25519 verification (RFC 8032, section 6) -----------------------------

P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    A = (a[1] - a[0]) * (b[1] - b[0]) % P
    B = (a[1] + a[0]) * (b[1] + b[0]) % P
    C = 2 * a[3] * b[3] * D % P
    Dd = 2 * a[2] * b[2] % P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)


def _mul(s, pt):
    acc = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            acc = _add(acc, pt)
        pt = _add(pt, pt)
        s >>= 1
    return acc


def _eq(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    if x2 % P == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def _decompress(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % P)


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
G = (_GX, _GY, 1, _GX * _GY % P)


def ed25519_verify(public, msg, sig):
    if len(public) != 32 or len(sig) != 64:
        return False
    A = _decompress(public)
    R = _decompress(sig[:32])
    if A is None or R is None:
        return False
    s = int.from_bytes(sig[32:], "little")
    if s >= Q:
        return False
    h = int.from_bytes(hashlib.sha512(sig[:32] + public + msg).digest(), "little") % Q
    return _eq(_mul(s, G), _add(R, _mul(h, A)))


def public_key_from_pem(text):
    """The 32 raw bytes of an Ed25519 SubjectPublicKeyInfo PEM."""
    body = "".join(l for l in text.splitlines() if l and not l.startswith("-----"))
    der = base64.b64decode(body)
    if len(der) != 44 or der[:12] != bytes.fromhex("302a300506032b6570032100"):
        raise ValueError("not an Ed25519 public key")
    return der[12:]


# --- RFC 6962 Merkle tree ----------------------------------------------------


def leaf_hash(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves):
    """MTH(D[n]) (RFC 6962 section 2.1)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    # Iterative form of the recursive definition: the largest power of two
    # smaller than n on the left.
    def mth(lo, hi):
        n = hi - lo
        if n == 1:
            return level[lo]
        k = 1
        while k * 2 < n:
            k *= 2
        return node_hash(mth(lo, lo + k), mth(lo + k, hi))
    return mth(0, len(level))


def leaf_bytes(commission, enterprise, entry_sha256):
    return json.dumps({"commission": commission, "enterprise": enterprise,
                       "entry_sha256": entry_sha256},
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- checkpoints -------------------------------------------------------------


def parse_note(text):
    """(origin, size, root bytes, signature bytes or None, body) of a signed note."""
    body, _, sigs = text.partition("\n\n")
    lines = body.split("\n")
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2])
    sig = None
    for l in sigs.split("\n"):
        prefix = "\u2014 " + origin + " "
        if l.startswith(prefix):
            raw = base64.b64decode(l[len(prefix):].strip())
            sig = raw[4:]
            break
    return origin, size, root, sig, (body + "\n").encode("utf-8")


# --- WARC --------------------------------------------------------------------


def dechunk(body):
    out = bytearray()
    i = 0
    while True:
        j = body.find(b"\r\n", i)
        if j < 0:
            raise ValueError("bad chunk")
        n = int(body[i:j].split(b";")[0].strip(), 16)
        if n == 0:
            return bytes(out)
        out += body[j + 2:j + 2 + n]
        i = j + 2 + n + 2


def warc_payload(member):
    """The HTTP payload of a gzipped WARC response record, as fetched."""
    raw = gzip.decompress(member)
    head, _, rest = raw.partition(b"\r\n\r\n")
    headers = {}
    for l in head.split(b"\r\n")[1:]:
        k, _, v = l.partition(b":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get(b"content-length", b"-1"))
    if length < 0 or len(rest) < length:
        raise ValueError("record cut short")
    block = rest[:length]
    http_head, _, payload = block.partition(b"\r\n\r\n")
    chunked = any(l.lower().startswith(b"transfer-encoding:") and b"chunked" in l.lower()
                  for l in http_head.split(b"\r\n"))
    return dechunk(payload) if chunked else payload


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- the scorecard (the rules' arithmetic, as radar's `scoring` module) ------


def scorecard(rules, year, items):
    """items: (code, date 'YYYY-MM-DD', awarded or None, seq)."""
    v = rules.get("validity")
    year_counts = bool(v) and v["from_year"] <= year and (v.get("until_year") is None or year <= v["until_year"])
    cats = rules.get("category", [])
    items_by_code = {i["code"]: i for i in rules.get("item", [])}
    tc = rules.get("typical_case")
    counts = {c["id"]: 0 for c in cats}
    per_item = {c["id"]: 0.0 for c in cats}
    bonus = 0.0
    counted = []
    for code, date, awarded, seq in items:
        item = items_by_code.get(code)
        cat = next((c for c in cats if item and c["id"] == item["category"]), None)
        typical = tc if tc and tc["code"] == code else None
        if (cat is None and typical is None) or int(date[:4]) != year or not year_counts:
            continue
        award = awarded if isinstance(awarded, (int, float)) else None
        counted.append(seq)
        if typical:
            bonus += award if award is not None else typical["points"]
        else:
            counts[cat["id"]] += 1
            if "points_per_item" in cat and "yearly_target" not in cat:
                own = item.get("points", cat["points_per_item"])
                per_item[cat["id"]] += award if award is not None else own
    points = {}
    for c in cats:
        if "yearly_target" in c and "points_per_item" not in c:
            t, n = c["yearly_target"], counts[c["id"]]
            delta = 0.0
            if year_counts:
                if n < t:
                    delta = (t - n) * c.get("points_short", 0.0)
                elif n > t:
                    delta = (n - t) * c.get("points_beyond", 0.0)
            points[c["id"]] = delta
        else:
            points[c["id"]] = per_item[c["id"]]
    total = sum(points.values()) + bonus
    return {"a": counts.get("A", 0), "b": counts.get("B", 0), "c": counts.get("C", 0),
            "c_delta": points.get("C", 0.0), "bonus": bonus, "total": total}, sorted(counted)


# --- the checks --------------------------------------------------------------


def parse_args(argv):
    published, size, root = [], None, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--published" and i + 1 < len(argv):
            published.append(argv[i + 1])
            i += 2
        elif a == "--size" and i + 1 < len(argv):
            size = int(argv[i + 1])
            i += 2
        elif a == "--root" and i + 1 < len(argv):
            root = argv[i + 1]
            i += 2
        elif not a.startswith("--") and root is None:
            root = a
            i += 1
        else:
            print("用法：python3 data/verify.py [--published 检查点文件]... [--size 树大小 --root 根哈希]")
            sys.exit(2)
    return published, size, root


def check_bag(problems, public):
    """The bag's own manifests, and the signature of the tag manifest."""
    def read_manifest(name):
        out = {}
        with open(os.path.join(BAG, name), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.strip():
                    # "DIGEST  PATH" (BagIt allows any white space between).
                    digest, path = line.split(None, 1)
                    out[path.lstrip("*")] = digest.lower()
        return out
    try:
        with open(os.path.join(BAG, "tagmanifest-sha256.txt"), "rb") as f:
            tag_bytes = f.read()
        with open(os.path.join(BAG, "tagmanifest-sha256.txt.sig"), "rb") as f:
            tag_sig = f.read()
    except OSError as e:
        problems.append("包的标签清单或其签名缺失：%s" % e.filename)
        return
    if not ed25519_verify(public, tag_bytes, tag_sig):
        problems.append("标签清单 tagmanifest-sha256.txt 的签名不能用台账公钥验证（包在签发后被改动，清单被重算）")
    for path, digest in read_manifest("tagmanifest-sha256.txt").items():
        full = os.path.join(BAG, path)
        if not os.path.isfile(full) or sha256_file(full) != digest:
            problems.append("标签文件 %s 与标签清单不符" % path)
    listed = read_manifest("manifest-sha256.txt")
    for path, digest in listed.items():
        full = os.path.join(BAG, path)
        if not os.path.isfile(full):
            problems.append("清单所列文件 %s 缺失" % path)
        elif sha256_file(full) != digest:
            problems.append("文件 %s 与清单中的 SHA-256 不符" % path)
    for dirpath, _, names in os.walk(DATA):
        for n in names:
            rel = os.path.relpath(os.path.join(dirpath, n), BAG).replace(os.sep, "/")
            if rel not in listed and "__pycache__" not in rel:
                problems.append("文件 %s 不在清单中" % rel)


def main():
    published_files, pub_size, pub_root = parse_args(sys.argv[1:])
    problems = []
    with open(os.path.join(DATA, "ledger", "ledger-public.pem"), encoding="utf-8") as f:
        public = public_key_from_pem(f.read())
    check_bag(problems, public)

    with open(os.path.join(DATA, "ledger", "checkpoint.note"), encoding="utf-8") as f:
        origin, size, root, sig, body = parse_note(f.read())
    print("检查点 %s：树大小 %d，根哈希 %s" % (origin, size, base64.b64encode(root).decode()))
    if sig is None or not ed25519_verify(public, body, sig):
        problems.append("包内检查点的签名不能用台账公钥验证")
    with open(os.path.join(BAG, "bag-info.txt"), encoding="utf-8") as f:
        info = dict(l.split(": ", 1) for l in f.read().splitlines() if ": " in l)
    enterprise, commission = info.get("Enterprise-Id"), info.get("Commission-Id")
    year = int(info.get("Year", "0"))

    # The tree: every leaf, its root recomputed.
    leaves, mine = [], []
    with open(os.path.join(DATA, "ledger", "leaves.jsonl"), encoding="utf-8") as f:
        for i, line in enumerate(l for l in f if l.strip()):
            rec = json.loads(line)
            if rec.get("seq") != i:
                problems.append("叶子列表第 %d 行的序号是 %s：有叶子被删除或插入" % (i + 1, rec.get("seq")))
            if rec["commission"] != commission:
                problems.append("叶子 %d 属于另一国资委台账 %s" % (i, rec["commission"]))
            leaves.append(leaf_hash(leaf_bytes(rec["commission"], rec["enterprise"], rec["entry_sha256"])))
            if rec["enterprise"] == enterprise:
                mine.append((i, rec["entry_sha256"]))
    if len(leaves) != size or merkle_root(leaves) != root:
        problems.append("由全部 %d 个叶子重算的根哈希与检查点（树大小 %d）不符：叶子列表被改动" % (len(leaves), size))

    # Consistency with published checkpoints.
    published = []
    for p in published_files:
        try:
            with open(p, encoding="utf-8") as f:
                o, s, r, sg, b = parse_note(f.read())
        except (OSError, ValueError, IndexError) as e:
            problems.append("公开检查点 %s 不可读：%s" % (p, e))
            continue
        if sg is None or not ed25519_verify(public, b, sg):
            problems.append("公开检查点 %s 的签名不能用包内公钥验证（公钥不是国资委公开发布的那一把）" % p)
        if o != origin:
            problems.append("公开检查点 %s 来自另一台账 %s" % (p, o))
        published.append((p, s, r))
    if pub_root is not None:
        published.append(("--root", pub_size if pub_size is not None else size, base64.b64decode(pub_root)))
    for name, s, r in sorted(published, key=lambda x: x[1]):
        if s > len(leaves):
            problems.append("公开检查点 %s（树大小 %d）大于本包的树（%d）：台账被截短" % (name, s, len(leaves)))
        elif merkle_root(leaves[:s]) != r:
            problems.append("台账不再延续公开检查点 %s（树大小 %d）：其前 %d 条记录已被改动" % (name, s, s))
        else:
            print("与公开检查点一致：树大小 %d 的根哈希 %s 是本包树（%d）的前缀" % (s, base64.b64encode(r).decode(), len(leaves)))

    # Completeness: every leaf of the enterprise has its entry in the bag.
    index = {}
    with open(os.path.join(DATA, "ledger", "entries.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                index[rec.get("seq")] = rec
    entries = {}
    for seq, digest in mine:
        path = os.path.join(DATA, "ledger", "entries", "%06d.json" % seq)
        if not os.path.isfile(path):
            problems.append("记录 %d：树中有本企业的这条记录，包内却没有（被删去）" % seq)
            continue
        with open(path, "rb") as ef:
            raw = ef.read()
        if hashlib.sha256(raw).hexdigest() != digest:
            problems.append("记录 %d：原文的 SHA-256 与树中叶子不符（记录被改动）" % seq)
            continue
        e = json.loads(raw.decode("utf-8"))
        if e.get("seq") != seq or e.get("enterprise") != enterprise or e.get("commission") != commission:
            problems.append("记录 %d：原文的序号、企业或国资委与叶子不符" % seq)
            continue
        entries[seq] = e
    present = set(int(n[:6]) for n in os.listdir(os.path.join(DATA, "ledger", "entries")) if n[:6].isdigit())
    for seq in sorted(present - set(s for s, _ in mine)):
        problems.append("记录 %d：包内有这条记录，树中却没有本企业的对应叶子" % seq)

    # Evidence: digests from the signed entries only.
    for seq, e in sorted(entries.items()):
        ev = e.get("evidence", {})
        packs = e.get("action") == "confirm" and int(e.get("evidence_date", "0")[:4]) == year
        if packs and "damaged" in index.get(seq, {}):
            problems.append("记录 %d：证据已被改动，导出时未打包（%s）" % (seq, index[seq]["damaged"]))
        elif packs and ev.get("kind") == "archive":
            d = os.path.join(DATA, "pages", "%06d" % seq)
            try:
                with open(os.path.join(d, "record.warc.gz"), "rb") as f:
                    member = f.read()
                if len(member) != ev.get("warc_length"):
                    problems.append("记录 %d：WARC 记录的长度与签名记录不符" % seq)
                if hashlib.sha256(warc_payload(member)).hexdigest() != ev.get("payload_sha256"):
                    problems.append("记录 %d：WARC 记录中的网页正文与签名记录的 payload_sha256 不符" % seq)
            except (OSError, ValueError, EOFError, gzip.BadGzipFile) as err:
                problems.append("记录 %d：WARC 记录缺失或不可读（%s）" % (seq, err))
            p = os.path.join(d, "payload.bin")
            if not os.path.isfile(p) or sha256_file(p) != ev.get("payload_sha256"):
                problems.append("记录 %d：payload.bin 缺失或与签名记录的 payload_sha256 不符" % seq)
        elif packs and ev.get("kind") == "file":
            fdir = os.path.join(DATA, "files")
            found = [n for n in (os.listdir(fdir) if os.path.isdir(fdir) else []) if n.startswith("%06d-" % seq)]
            if len(found) != 1 or sha256_file(os.path.join(fdir, found[0])) != ev.get("sha256"):
                problems.append("记录 %d：上传文件缺失或与签名记录的 sha256 不符" % seq)
        print("记录 %d：%s %s %s《%s》" % (seq, e.get("action"), e.get("item"),
                                       e.get("evidence_date"), e.get("title")))

    # The scorecard, recomputed.
    with open(os.path.join(DATA, "rules.toml"), "rb") as f:
        rules = tomllib.load(f)
    undone = set(e["reverses"] for e in entries.values() if e.get("reverses") is not None)
    items = [(e["item"], e["evidence_date"], e.get("awarded"), s) for s, e in sorted(entries.items())
             if e.get("action") == "confirm" and s not in undone]
    want, counted = scorecard(rules, year, items)
    with open(os.path.join(DATA, "scorecard.json"), encoding="utf-8") as f:
        sheet = json.load(f)
    got = next((x for x in sheet.get("enterprises", []) if x.get("id") == enterprise), None)
    if got is None:
        problems.append("scorecard.json 中没有本企业")
    else:
        for k, v in want.items():
            if abs(float(got.get(k, 0)) - float(v)) > 1e-9:
                problems.append("scorecard.json 的 %s 为 %s，由记录与计分规则重算为 %s" % (k, got.get(k), v))
        listed = sorted(i.get("entry") for i in got.get("items", []))
        if listed != counted:
            problems.append("scorecard.json 所列计分记录 %s 与重算的 %s 不符" % (listed, counted))
        print("得分重算：A %d 项，B %d 项，C %d 项（%+g），典型案例 %+g，合计 %g" % (
            want["a"], want["b"], want["c"], want["c_delta"], want["bonus"], want["total"]))

    for p in problems:
        print("错误：" + p)
    if problems:
        print("核验未通过：%d 处问题" % len(problems))
        return 1
    print("核验通过：%d 条记录（本企业全部，含撤销）均在包内，树大小 %d 的根哈希由全部叶子重算一致，证据摘要与得分一致"
          % (len(entries), size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
