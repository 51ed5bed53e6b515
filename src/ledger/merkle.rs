//! The RFC 6962 (§2.1) Merkle tree over ledger entries, written out because
//! it is a few lines: leaf hash `SHA-256(0x00 ‖ entry)`, node hash
//! `SHA-256(0x01 ‖ left ‖ right)`, the left subtree of `n` leaves holding the
//! largest power of two below `n`. Inclusion and consistency proofs and their
//! verification follow RFC 9162 §2.1.3 and §2.1.4.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash of the empty tree.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The leaf hash of one entry's bytes.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// The hash of an inner node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly below `n` (`n` ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The root of the tree over these leaf hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The roots of every prefix of the leaves, in one pass: `roots[m-1]` is the
/// root of the first `m` leaves.
pub fn prefix_roots(leaves: &[Hash]) -> Vec<Hash> {
    let mut f = Frontier::default();
    leaves
        .iter()
        .map(|leaf| {
            f.push(*leaf);
            f.root()
        })
        .collect()
}

/// The right edge of a tree (its "compact range"): the roots of the perfect
/// subtrees that make up its `size` leaves, largest (leftmost) first, one per
/// set bit of `size`. Appending a leaf and taking the root are O(log n), so
/// signing a checkpoint does not reread the whole ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<Hash>,
}

impl Frontier {
    pub fn from_leaves(leaves: &[Hash]) -> Frontier {
        let mut f = Frontier::default();
        for leaf in leaves {
            f.push(*leaf);
        }
        f
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Append a leaf hash: equal-sized subtrees on the right merge.
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut n = self.size;
        while n & 1 == 1 {
            let Some(left) = self.nodes.pop() else { break };
            hash = node_hash(&left, &hash);
            n >>= 1;
        }
        self.nodes.push(hash);
        self.size += 1;
    }

    /// The tree's root: the subtrees folded right to left (RFC 6962 splits
    /// at the largest power of two, which is the leftmost subtree).
    pub fn root(&self) -> Hash {
        let mut iter = self.nodes.iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        iter.fold(*last, |acc, left| node_hash(left, &acc))
    }

    /// The subtree roots, concatenated (for storage beside `size`).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.nodes.concat()
    }

    /// Back from `to_bytes`; `None` when the bytes cannot be the right edge
    /// of a tree of `size` leaves.
    pub fn from_bytes(size: u64, bytes: &[u8]) -> Option<Frontier> {
        if !bytes.len().is_multiple_of(32) || bytes.len() / 32 != size.count_ones() as usize {
            return None;
        }
        let nodes = bytes
            .chunks_exact(32)
            .map(|c| <Hash>::try_from(c).ok())
            .collect::<Option<Vec<_>>>()?;
        Some(Frontier { size, nodes })
    }
}

/// The audit path of leaf `index` in the tree over `leaves` (RFC 6962
/// `PATH(m, D[n])`), from the leaf's sibling up. Empty when out of range.
pub fn inclusion_proof(index: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if index >= n || n < 2 {
        return Vec::new();
    }
    let k = split(n);
    if index < k {
        let mut p = inclusion_proof(index, &leaves[..k]);
        p.push(root(&leaves[k..]));
        p
    } else {
        let mut p = inclusion_proof(index - k, &leaves[k..]);
        p.push(root(&leaves[..k]));
        p
    }
}

/// Whether `proof` shows the leaf at `index` is in the tree of `size` leaves
/// with this root (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && r == *root
}

/// The consistency proof between the tree of the first `old` leaves and the
/// tree of all `leaves` (RFC 6962 `PROOF(m, D[n])`).
pub fn consistency_proof(old: usize, leaves: &[Hash]) -> Vec<Hash> {
    fn sub(m: usize, leaves: &[Hash], whole: bool) -> Vec<Hash> {
        let n = leaves.len();
        if m == n {
            return if whole {
                Vec::new()
            } else {
                vec![root(leaves)]
            };
        }
        let k = split(n);
        if m <= k {
            let mut p = sub(m, &leaves[..k], whole);
            p.push(root(&leaves[k..]));
            p
        } else {
            let mut p = sub(m - k, &leaves[k..], false);
            p.push(root(&leaves[..k]));
            p
        }
    }
    if old == 0 || old > leaves.len() {
        return Vec::new();
    }
    sub(old, leaves, true)
}

/// Whether `proof` shows the tree of `old_size` with `old_root` is a prefix
/// of the tree of `new_size` with `new_root` (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        return proof.is_empty();
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if old_size.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut f_n, mut s_n) = (old_size - 1, new_size - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && fr == *old_root && sr == *new_root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frontier_gives_every_root_and_survives_storage() {
        let leaves: Vec<Hash> = (0..70u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut f = Frontier::default();
        assert_eq!(f.root(), empty_root());
        for (n, leaf) in leaves.iter().enumerate() {
            f.push(*leaf);
            assert_eq!(f.size(), n as u64 + 1);
            assert_eq!(f.root(), root(&leaves[..=n]), "{} leaves", n + 1);
            let back = Frontier::from_bytes(f.size(), &f.to_bytes()).expect("round trip");
            assert_eq!(back, f);
        }
        assert_eq!(Frontier::from_leaves(&leaves), f);
        // 70 = 0b1000110: three subtrees; any other length is refused.
        assert_eq!(f.to_bytes().len(), 3 * 32);
        assert!(Frontier::from_bytes(71, &f.to_bytes()).is_none());
        assert!(Frontier::from_bytes(70, &f.to_bytes()[..64]).is_none());
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn matches_the_rfc_6962_test_vectors_of_certificate_transparency() {
        // The empty tree and the 8-leaf tree of the CT reference tests
        // (leaves "", 0x00, 0x10, 0x2021, 0x3031, 0x40414243, 0x5051525354555657,
        // 0x606162636465666768696a6b6c6d6e6f).
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let data: [&[u8]; 8] = [
            b"",
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
                0x6e, 0x6f,
            ],
        ];
        let l: Vec<Hash> = data.iter().map(|d| leaf_hash(d)).collect();
        assert_eq!(
            hex::encode(root(&l[..1])),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            hex::encode(root(&l[..2])),
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
        );
        assert_eq!(
            hex::encode(root(&l[..3])),
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"
        );
        assert_eq!(
            hex::encode(root(&l)),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
    }

    #[test]
    fn prefix_roots_equal_the_recursive_roots() {
        let l = leaves(37);
        let roots = prefix_roots(&l);
        for m in 1..=l.len() {
            assert_eq!(roots[m - 1], root(&l[..m]), "prefix of {m}");
        }
    }

    #[test]
    fn every_inclusion_proof_verifies_and_a_wrong_leaf_does_not() {
        for n in 1..=20 {
            let l = leaves(n);
            let r = root(&l);
            for i in 0..n {
                let p = inclusion_proof(i, &l);
                assert!(
                    verify_inclusion(i as u64, n as u64, &l[i], &p, &r),
                    "{i} of {n}"
                );
                let other = leaf_hash(b"forged");
                assert!(!verify_inclusion(i as u64, n as u64, &other, &p, &r));
            }
        }
    }

    #[test]
    fn every_consistency_proof_verifies_and_a_rewritten_history_does_not() {
        for n in 1..=20 {
            let l = leaves(n);
            let new_root = root(&l);
            for m in 1..=n {
                let p = consistency_proof(m, &l);
                let old_root = root(&l[..m]);
                assert!(
                    verify_consistency(m as u64, n as u64, &old_root, &new_root, &p),
                    "{m} -> {n}"
                );
                if m < n {
                    let mut forged = l.clone();
                    forged[0] = leaf_hash(b"rewritten");
                    let forged_root = root(&forged);
                    assert!(!verify_consistency(
                        m as u64,
                        n as u64,
                        &old_root,
                        &forged_root,
                        &p
                    ));
                }
            }
        }
    }
}
