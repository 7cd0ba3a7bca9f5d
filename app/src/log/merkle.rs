//! The service log's Merkle tree, exactly as RFC 9162 §2.1 defines it (the same tree and the
//! same proofs as RFC 6962 §2.1, so any Certificate Transparency tool can check ours).
//!
//! Pure code, no I/O: the server builds proofs with it, the phone (wasm) and the offline CLI
//! check them with it.
//!
//! # The tree (RFC 9162 §2.1.1)
//!
//! - leaf hash: `SHA-256(0x00 || entry)`; node hash: `SHA-256(0x01 || left || right)`. The two
//!   prefixes keep a leaf from passing for a node (second-preimage attacks).
//! - `MTH({})` = SHA-256 of the empty string ([`EMPTY_ROOT`]); `MTH({d0})` = the leaf hash;
//!   for n > 1, with k the largest power of two below n,
//!   `MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))`.
//!
//! # Proofs over a store, not over the whole tree
//!
//! The left part of every split, `D[0:k]` with k a power of two, is a *perfect* subtree: 2^h
//! leaves starting at a multiple of 2^h. A perfect subtree never changes once the log holds its
//! last leaf, whatever is appended later, so its root can be stored once and read forever.
//! [`NodeId`] names one: `(level h, index j)` is the leaves `j·2^h .. (j+1)·2^h`.
//!
//! Every hash in a proof is the MTH of one range of leaves, and every such range splits into at
//! most ~log2(n) perfect subtrees (its binary decomposition). So a proof needs O(log n) stored
//! nodes and O(log n) hashing, whatever the size of the log:
//!
//! 1. [`nodes_for_inclusion`] / [`nodes_for_consistency`] / [`nodes_for_root`] say which perfect
//!    subtrees a proof reads (index arithmetic only). The server fetches them in one query from
//!    its node table (the rows that [`Frontier::append`] produced);
//! 2. it puts them in a [`NodeMap`] (or implements [`Tree`] over its own cache) and calls
//!    [`prove_inclusion`] / [`prove_consistency`] / [`root_at`].
//!
//! [`MemoryLog`] is the same design held in memory (every level as a `Vec`): the tests and the
//! benchmark use it. A plain slice of leaf hashes is a [`Tree`] too (no cache: each proof then
//! hashes O(n)); [`root`], [`inclusion_proof`] and [`consistency_proof`] work on one.
//!
//! Appending needs only the [`Frontier`]: the roots of the perfect subtrees that make up the
//! current tree, one per set bit of the size (at most 64 hashes). An append hashes the leaf
//! and, on average, one node.
//!
//! # Verification
//!
//! [`verify_inclusion`] and [`verify_consistency`] are the algorithms of RFC 9162 §2.1.3.2 and
//! §2.1.4.2 step by step (the step numbers are in the code). Where the algorithm fails, the
//! [`ProofError`] says at which point, in words a litigant can read.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::hex;
use crate::rules::Lang;

/// A SHA-256 value: a leaf hash, a node hash or a root.
pub type Hash = [u8; 32];

/// RFC 9162 §2.1.1: `MTH({}) = SHA-256()`, the hash of the empty string.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27,
    0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// RFC 9162 §2.1.1: `MTH({d(0)}) = HASH(0x00 || d(0))`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(entry);
    h.finalize().into()
}

/// RFC 9162 §2.1.1: `HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// A hash as 64 lowercase hex digits.
pub fn hash_to_hex(hash: &Hash) -> String {
    hex::encode(hash)
}

/// 64 hex digits to a hash.
pub fn hash_from_hex(s: &str) -> Result<Hash, hex::HexError> {
    hex::decode_array(s)
}

// ---------------------------------------------------------------------------------------------
// Perfect subtrees and stores of them
// ---------------------------------------------------------------------------------------------

/// A perfect subtree: the `2^level` leaves from `index · 2^level` on. Level 0 is a leaf.
///
/// Its root is the same in every tree that holds all its leaves, which is why a store may
/// keep it (the server's node table is keyed by `(level, index)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

impl NodeId {
    /// The leaf at `index`.
    pub const fn leaf(index: u64) -> NodeId {
        NodeId { level: 0, index }
    }

    /// The perfect subtree of `len` leaves (a power of two) starting at `start` (a multiple of
    /// `len`).
    fn covering(start: u64, len: u64) -> NodeId {
        debug_assert!(
            len.is_power_of_two() && start.is_multiple_of(len),
            "not a perfect subtree: {start}+{len}"
        );
        let level = len.trailing_zeros();
        NodeId { level: level as u8, index: start >> level }
    }

    /// The index of its first leaf.
    pub fn first_leaf(self) -> u64 {
        self.index << self.level
    }

    /// How many leaves it has: `2^level`.
    pub fn leaf_count(self) -> u64 {
        1 << self.level
    }

    /// Its two halves, or `None` for a leaf.
    pub fn children(self) -> Option<(NodeId, NodeId)> {
        let level = self.level.checked_sub(1)?;
        Some((NodeId { level, index: self.index * 2 }, NodeId { level, index: self.index * 2 + 1 }))
    }

    /// The perfect subtree twice as large that contains it.
    pub fn parent(self) -> NodeId {
        NodeId { level: self.level + 1, index: self.index / 2 }
    }
}

/// A store of a log's leaf hashes and, if it has them, of its perfect-subtree roots.
///
/// Only [`Tree::size`] and [`Tree::leaf`] are required; the provided
/// [`Tree::subtree_root`] hashes a perfect subtree from its leaves (O(2^level)). A store that
/// keeps perfect-subtree roots overrides it with a lookup, and proofs become O(log n).
pub trait Tree {
    /// How many leaves the store holds.
    fn size(&self) -> u64;

    /// The leaf hash at `index`, or `None` if the store does not hold it.
    fn leaf(&self, index: u64) -> Option<Hash>;

    /// The root of a perfect subtree, or `None` if the store can neither give it nor compute it.
    fn subtree_root(&self, node: NodeId) -> Option<Hash> {
        match node.children() {
            None => self.leaf(node.index),
            Some((left, right)) => Some(node_hash(&self.subtree_root(left)?, &self.subtree_root(right)?)),
        }
    }
}

/// A plain list of leaf hashes: every proof hashes O(n) (no cache).
impl Tree for [Hash] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn leaf(&self, index: u64) -> Option<Hash> {
        usize::try_from(index).ok().and_then(|i| self.get(i)).copied()
    }
}

/// The perfect-subtree roots a caller fetched for one proof (see [`nodes_for_inclusion`]),
/// as a [`Tree`] of the given size. A node it lacks is computed from its children if it has
/// those; otherwise the proof fails with [`ProveError::MissingNode`].
#[derive(Clone, Debug, Default)]
pub struct NodeMap {
    size: u64,
    nodes: BTreeMap<NodeId, Hash>,
}

impl NodeMap {
    /// The nodes of a log of `size` leaves.
    pub fn new(size: u64, nodes: impl IntoIterator<Item = (NodeId, Hash)>) -> NodeMap {
        NodeMap { size, nodes: nodes.into_iter().collect() }
    }

    /// Adds (or replaces) one node.
    pub fn insert(&mut self, node: NodeId, hash: Hash) {
        self.nodes.insert(node, hash);
    }
}

impl Tree for NodeMap {
    fn size(&self) -> u64 {
        self.size
    }

    fn leaf(&self, index: u64) -> Option<Hash> {
        self.nodes.get(&NodeId::leaf(index)).copied()
    }

    fn subtree_root(&self, node: NodeId) -> Option<Hash> {
        if let Some(hash) = self.nodes.get(&node) {
            return Some(*hash);
        }
        let (left, right) = node.children()?;
        Some(node_hash(&self.subtree_root(left)?, &self.subtree_root(right)?))
    }
}

// ---------------------------------------------------------------------------------------------
// The shape of proofs (index arithmetic only)
// ---------------------------------------------------------------------------------------------

/// Leaves `start .. end` of the tree: a proof's hashes are each the MTH of one such range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Range {
    start: u64,
    end: u64,
}

/// The largest power of two strictly below `n` (n ≥ 2): RFC 9162 §2.1.1's k.
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// The perfect subtrees whose roots make up `MTH(D[start:end])`, left to right. Every range a
/// proof of RFC 9162 names starts at a multiple of the power of two at or above its length, so
/// the split of §2.1.1 cuts it into its binary decomposition: the largest power of two first.
fn push_decomposition(range: Range, out: &mut Vec<NodeId>) {
    let (mut start, end) = (range.start, range.end);
    while start < end {
        let n = end - start;
        let len = if n.is_power_of_two() { n } else { split(n) };
        out.push(NodeId::covering(start, len));
        start += len;
    }
}

/// RFC 9162 §2.1.3.1, `PATH(m, D[n])`: the ranges whose MTH form the inclusion proof of leaf
/// `index` in the tree of `size` leaves, in proof order (the leaf's sibling first).
/// Requires `index < size`.
fn inclusion_ranges(index: u64, size: u64) -> Vec<Range> {
    // Walk down from the root; each level adds the sibling of the part holding the leaf:
    //   m < k:  PATH(m, D[0:k]) : MTH(D[k:n])
    //   m >= k: PATH(m - k, D[k:n]) : MTH(D[0:k])
    // PATH of a single leaf is empty. The walk finds the siblings top-down; the proof lists
    // them bottom-up.
    let (mut lo, mut hi) = (0, size);
    let mut siblings = Vec::new();
    while hi - lo > 1 {
        let k = split(hi - lo);
        if index < lo + k {
            siblings.push(Range { start: lo + k, end: hi });
            hi = lo + k;
        } else {
            siblings.push(Range { start: lo, end: lo + k });
            lo += k;
        }
    }
    siblings.reverse();
    siblings
}

/// RFC 9162 §2.1.4.1, `PROOF(m, D[n]) = SUBPROOF(m, D[n], true)`: the ranges whose MTH form
/// the consistency proof from `old` to `new` leaves, in proof order. Requires
/// `0 < old <= new`.
fn consistency_ranges(old: u64, new: u64) -> Vec<Range> {
    // SUBPROOF(m, D[m], true)  = {}
    // SUBPROOF(m, D[m], false) = {MTH(D[m])}
    // m <= k: SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
    // m > k:  SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
    // Ranges are absolute: the current subtree is lo..hi and "m == n" is `old == hi`. The
    // invariant lo < old <= hi holds throughout, so the walk ends before a single leaf.
    let (mut lo, mut hi, mut b) = (0, new, true);
    let mut out = Vec::new();
    loop {
        if old == hi {
            if !b {
                out.push(Range { start: lo, end: hi });
            }
            break;
        }
        let k = split(hi - lo);
        if old - lo <= k {
            out.push(Range { start: lo + k, end: hi });
            hi = lo + k;
        } else {
            out.push(Range { start: lo, end: lo + k });
            lo += k;
            b = false;
        }
    }
    // Inner subproofs come first in the concatenation.
    out.reverse();
    out
}

/// How many hashes the inclusion proof of leaf `index` in a tree of `size` leaves has
/// (0 when `index >= size`: there is no such proof).
pub fn inclusion_proof_len(index: u64, size: u64) -> usize {
    if index >= size {
        return 0;
    }
    inclusion_ranges(index, size).len()
}

/// How many hashes the consistency proof from `old` to `new` leaves has (0 when `old` is 0 or
/// equals `new`, and when `old > new`: there is no such proof).
pub fn consistency_proof_len(old: u64, new: u64) -> usize {
    if old == 0 || old >= new {
        return 0;
    }
    consistency_ranges(old, new).len()
}

/// The perfect subtrees [`root_at`] reads for a tree of `size` leaves: one per set bit of
/// `size`, largest first (none for the empty tree).
pub fn nodes_for_root(size: u64) -> Vec<NodeId> {
    let mut out = Vec::new();
    push_decomposition(Range { start: 0, end: size }, &mut out);
    out
}

/// The perfect subtrees [`prove_inclusion`] reads for leaf `index` of a tree of `size` leaves
/// (at most about 2·log2(size)); the caller fetches these, and only these, from its store.
pub fn nodes_for_inclusion(index: u64, size: u64) -> Result<Vec<NodeId>, ProveError> {
    if index >= size {
        return Err(ProveError::IndexBeyondSize { index, size });
    }
    let mut out = Vec::new();
    for range in inclusion_ranges(index, size) {
        push_decomposition(range, &mut out);
    }
    Ok(out)
}

/// The perfect subtrees [`prove_consistency`] reads from `old` to `new` leaves.
pub fn nodes_for_consistency(old: u64, new: u64) -> Result<Vec<NodeId>, ProveError> {
    if old > new {
        return Err(ProveError::OldSizeAboveNew { old, new });
    }
    let mut out = Vec::new();
    if old > 0 {
        for range in consistency_ranges(old, new) {
            push_decomposition(range, &mut out);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Making proofs
// ---------------------------------------------------------------------------------------------

/// Why a proof could not be made (a server-side error: the request or the store is wrong).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProveError {
    /// There is no leaf `index` in a tree of `size` leaves.
    #[error("leaf {index} is beyond the tree size {size}")]
    IndexBeyondSize { index: u64, size: u64 },
    /// A tree of `size` leaves was asked of a store that holds `stored`.
    #[error("tree size {size} is beyond the {stored} leaves stored")]
    SizeBeyondStore { size: u64, stored: u64 },
    /// A consistency proof from a larger tree to a smaller one.
    #[error("old tree size {old} is above the new tree size {new}")]
    OldSizeAboveNew { old: u64, new: u64 },
    /// The store has neither this perfect subtree's root nor the leaves to compute it.
    #[error("the store lacks node (level {}, index {})", .0.level, .0.index)]
    MissingNode(NodeId),
}

fn check_size<T: Tree + ?Sized>(tree: &T, size: u64) -> Result<(), ProveError> {
    match tree.size() {
        stored if size > stored => Err(ProveError::SizeBeyondStore { size, stored }),
        _ => Ok(()),
    }
}

/// `MTH(D[start:end])` from the store's perfect subtrees: the right fold of §2.1.1's split.
fn range_root<T: Tree + ?Sized>(tree: &T, range: Range) -> Result<Hash, ProveError> {
    let mut nodes = Vec::new();
    push_decomposition(range, &mut nodes);
    let mut acc: Option<Hash> = None;
    for node in nodes.into_iter().rev() {
        let hash = tree.subtree_root(node).ok_or(ProveError::MissingNode(node))?;
        acc = Some(match acc {
            None => hash,
            Some(right) => node_hash(&hash, &right),
        });
    }
    Ok(acc.unwrap_or(EMPTY_ROOT))
}

/// The root of the first `size` leaves of the store (`MTH(D[size])`).
pub fn root_at<T: Tree + ?Sized>(tree: &T, size: u64) -> Result<Hash, ProveError> {
    check_size(tree, size)?;
    range_root(tree, Range { start: 0, end: size })
}

/// RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of the first `size`
/// leaves of the store, the leaf's sibling first.
pub fn prove_inclusion<T: Tree + ?Sized>(tree: &T, index: u64, size: u64) -> Result<Vec<Hash>, ProveError> {
    check_size(tree, size)?;
    if index >= size {
        return Err(ProveError::IndexBeyondSize { index, size });
    }
    inclusion_ranges(index, size).into_iter().map(|r| range_root(tree, r)).collect()
}

/// RFC 9162 §2.1.4.1: the consistency proof that the tree of `old` leaves is a prefix of the
/// tree of `new` leaves. Empty when `old` is 0 (every tree extends the empty one; the RFC
/// defines the proof for `0 < old` only) or equals `new`.
pub fn prove_consistency<T: Tree + ?Sized>(tree: &T, old: u64, new: u64) -> Result<Vec<Hash>, ProveError> {
    check_size(tree, new)?;
    if old > new {
        return Err(ProveError::OldSizeAboveNew { old, new });
    }
    if old == 0 {
        return Ok(Vec::new());
    }
    consistency_ranges(old, new).into_iter().map(|r| range_root(tree, r)).collect()
}

/// `MTH` of a list of leaf hashes (RFC 9162 §2.1.1).
pub fn root(leaf_hashes: &[Hash]) -> Hash {
    root_at(leaf_hashes, leaf_hashes.len() as u64).expect("a slice holds all its leaves")
}

/// The inclusion proof of leaf `index` in the tree of all `leaf_hashes`.
pub fn inclusion_proof(leaf_hashes: &[Hash], index: u64) -> Result<Vec<Hash>, ProveError> {
    prove_inclusion(leaf_hashes, index, leaf_hashes.len() as u64)
}

/// The consistency proof from the first `old_size` leaves to all `leaf_hashes`.
pub fn consistency_proof(leaf_hashes: &[Hash], old_size: u64) -> Result<Vec<Hash>, ProveError> {
    prove_consistency(leaf_hashes, old_size, leaf_hashes.len() as u64)
}

// ---------------------------------------------------------------------------------------------
// Appending
// ---------------------------------------------------------------------------------------------

/// Why a stored frontier was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrontierError {
    /// A tree of `size` leaves has one peak per set bit of `size`.
    #[error("a tree of {size} leaves has {expected} peaks, not {found}")]
    WrongPeakCount { size: u64, expected: u32, found: usize },
}

/// The right edge of the log: the roots of the perfect subtrees that make up the whole tree
/// ("peaks"), one per set bit of the size, the largest (leftmost) first. It is all an appender
/// needs in memory: 64 hashes at most.
///
/// JSON: `{"size": 6, "peaks": ["<64 hex>", "<64 hex>"]}`; reading it back checks the number of
/// peaks, as [`Frontier::from_parts`] does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FrontierWire", into = "FrontierWire")]
pub struct Frontier {
    size: u64,
    peaks: Vec<Hash>,
}

/// A frontier as stored or sent, before its peaks are counted.
#[derive(Serialize, Deserialize)]
struct FrontierWire {
    size: u64,
    #[serde(with = "hex::serde_arrays")]
    peaks: Vec<Hash>,
}

impl TryFrom<FrontierWire> for Frontier {
    type Error = FrontierError;
    fn try_from(wire: FrontierWire) -> Result<Frontier, FrontierError> {
        Frontier::from_parts(wire.size, wire.peaks)
    }
}

impl From<Frontier> for FrontierWire {
    fn from(f: Frontier) -> FrontierWire {
        FrontierWire { size: f.size, peaks: f.peaks }
    }
}

impl Frontier {
    /// The empty log's frontier.
    pub fn new() -> Frontier {
        Frontier::default()
    }

    /// A frontier read back from storage: the peaks are the roots of [`nodes_for_root`]`(size)`.
    pub fn from_parts(size: u64, peaks: Vec<Hash>) -> Result<Frontier, FrontierError> {
        if peaks.len() != size.count_ones() as usize {
            return Err(FrontierError::WrongPeakCount {
                size,
                expected: size.count_ones(),
                found: peaks.len(),
            });
        }
        Ok(Frontier { size, peaks })
    }

    /// How many leaves the log has.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The peaks, largest first; they are the roots of [`nodes_for_root`]`(size)`.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// `MTH` of the whole log: the peaks folded from the right (RFC 9162 §2.1.1's split).
    pub fn root(&self) -> Hash {
        let mut peaks = self.peaks.iter().rev();
        match peaks.next() {
            None => EMPTY_ROOT,
            Some(last) => peaks.fold(*last, |right, left| node_hash(left, &right)),
        }
    }

    /// Appends one leaf hash. Returns the perfect subtrees this append completed, smallest
    /// first: the leaf itself, then one more for each trailing one bit of the old size. These
    /// are the rows a store adds to its node table, in the same transaction as the leaf.
    pub fn append(&mut self, leaf: Hash) -> Vec<(NodeId, Hash)> {
        let mut node = NodeId::leaf(self.size);
        let mut hash = leaf;
        let mut completed = vec![(node, hash)];
        // A node with an odd index is a right child: its left sibling is the last peak.
        while node.index % 2 == 1 {
            let left = self.peaks.pop().expect("one peak per set bit of the size");
            hash = node_hash(&left, &hash);
            node = node.parent();
            completed.push((node, hash));
        }
        self.peaks.push(hash);
        self.size += 1;
        completed
    }
}

/// A whole log in memory with every perfect-subtree root kept, level by level: the same data
/// as the server's node table. Proofs read O(log n) nodes; memory is about 2n hashes.
#[derive(Clone, Debug, Default)]
pub struct MemoryLog {
    frontier: Frontier,
    /// `levels[h][j]` is the root of [`NodeId`] `(h, j)`.
    levels: Vec<Vec<Hash>>,
}

impl MemoryLog {
    /// An empty log.
    pub fn new() -> MemoryLog {
        MemoryLog::default()
    }

    /// Appends an entry (hashed as a leaf); returns its index.
    pub fn append(&mut self, entry: &[u8]) -> u64 {
        self.append_leaf_hash(leaf_hash(entry))
    }

    /// Appends a leaf hash; returns its index.
    pub fn append_leaf_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.frontier.size();
        for (node, hash) in self.frontier.append(leaf) {
            let level = usize::from(node.level);
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            debug_assert_eq!(self.levels[level].len() as u64, node.index);
            self.levels[level].push(hash);
        }
        index
    }

    /// The root of the whole log.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// The frontier (what an appender keeps).
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }
}

impl Tree for MemoryLog {
    fn size(&self) -> u64 {
        self.frontier.size()
    }

    fn leaf(&self, index: u64) -> Option<Hash> {
        self.subtree_root(NodeId::leaf(index))
    }

    fn subtree_root(&self, node: NodeId) -> Option<Hash> {
        let index = usize::try_from(node.index).ok()?;
        self.levels.get(usize::from(node.level))?.get(index).copied()
    }
}

// ---------------------------------------------------------------------------------------------
// Checking proofs
// ---------------------------------------------------------------------------------------------

/// Why a proof did not check. [`ProofError::message`] says it in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProofError {
    /// The leaf index is not below the tree size (RFC 9162 §2.1.3.2 step 1).
    IndexBeyondSize { index: u64, size: u64 },
    /// The proof has `found` hashes and the sizes call for `expected` (the algorithm ran out of
    /// tree before the proof ended, or the proof ended before the root).
    WrongProofLength { expected: usize, found: usize },
    /// The inclusion proof leads to another root than the tree head's: the entry, its index or
    /// the proof was altered, or the entry is not in this tree.
    RootMismatch,
    /// A consistency proof "from" a larger tree to a smaller one.
    OldSizeAboveNew { old: u64, new: u64 },
    /// Two heads of the same size with different roots: the log was rewritten (a fork).
    SameSizeDifferentRoots { size: u64 },
    /// The consistency proof does not lead to the older head's root (for an empty old tree:
    /// its root is not [`EMPTY_ROOT`]).
    OldRootMismatch { old: u64 },
    /// The consistency proof does not lead to the newer head's root: the newer tree is not the
    /// older one with entries appended.
    NewRootMismatch { old: u64, new: u64 },
}

impl ProofError {
    /// A short, plain sentence that says what did not check.
    pub fn message(&self, lang: Lang) -> String {
        match *self {
            ProofError::IndexBeyondSize { index, size } => match lang {
                Lang::Zh => format!("证明有误：记录序号{index}（从0起算）不在共{size}条记录的日志之内。"),
                Lang::En => {
                    format!("The proof is wrong: entry number {index} (counting from 0) is not within a log of {size} entries.")
                }
            },
            ProofError::WrongProofLength { expected, found } => match lang {
                Lang::Zh => format!("证明的长度不对：应有{expected}个哈希值，实际有{found}个。"),
                Lang::En => format!("The proof has the wrong length: it should have {expected} hashes and has {found}."),
            },
            ProofError::RootMismatch => lang
                .pick(
                    "记录与树头不符：由记录和证明算出的根哈希与树头中的不同，记录、序号或证明被改动过。",
                    "The entry does not match the tree head: the root hash computed from the entry and the proof differs from the one in the tree head, so the entry, its number or the proof was altered.",
                )
                .to_owned(),
            ProofError::OldSizeAboveNew { old, new } => match lang {
                Lang::Zh => format!("两个树头的先后不对：较早的树头有{old}条记录，较新的只有{new}条。"),
                Lang::En => {
                    format!("The tree heads are in the wrong order: the earlier one has {old} entries and the later one only {new}.")
                }
            },
            ProofError::SameSizeDifferentRoots { size } => match lang {
                Lang::Zh => format!("两个树头都有{size}条记录，根哈希却不同：日志被改写过。"),
                Lang::En => format!("Both tree heads have {size} entries but different root hashes: the log was rewritten."),
            },
            ProofError::OldRootMismatch { old: 0 } => lang
                .pick(
                    "较早的树头记录数为0，根哈希却不是空日志的哈希。",
                    "The earlier tree head has 0 entries, but its root hash is not that of an empty log.",
                )
                .to_owned(),
            ProofError::OldRootMismatch { old } => match lang {
                Lang::Zh => format!("一致性证明与较早的树头不符：日志的前{old}条记录可能被改写过。"),
                Lang::En => format!(
                    "The consistency proof does not match the earlier tree head: the first {old} entries of the log may have been rewritten."
                ),
            },
            ProofError::NewRootMismatch { old, new } => match lang {
                Lang::Zh => format!("一致性证明与较新的树头不符：有{new}条记录的日志不是在原有{old}条记录之后追加而成的。"),
                Lang::En => format!(
                    "The consistency proof does not match the later tree head: the log of {new} entries is not the log of {old} entries with entries appended."
                ),
            },
        }
    }
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ProofError {}

/// RFC 9162 §2.1.3.2: checks that `leaf_hash` is leaf `index` of the tree of `tree_size`
/// leaves whose root is `root`, by the RFC's algorithm step for step.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let wrong_length = || ProofError::WrongProofLength {
        expected: inclusion_proof_len(index, tree_size),
        found: proof.len(),
    };
    // 1. leaf_index >= tree_size fails.
    if index >= tree_size {
        return Err(ProofError::IndexBeyondSize { index, size: tree_size });
    }
    // 2. fn = leaf_index, sn = tree_size - 1.
    let (mut fn_, mut sn) = (index, tree_size - 1);
    // 3. r = hash.
    let mut r = *leaf_hash;
    // 4. For each p in the inclusion path:
    for p in proof {
        // a. sn == 0: the proof is longer than the tree is high.
        if sn == 0 {
            return Err(wrong_length());
        }
        // b. LSB(fn) set or fn == sn: p is on the left.
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            // ii. A right-edge node with no right sibling: climb past the levels it skips.
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        // c.
        fn_ >>= 1;
        sn >>= 1;
    }
    // 5. sn == 0 (the proof reached the root) and r == root_hash.
    if sn != 0 {
        return Err(wrong_length());
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: checks that the tree of `size1` leaves with root `root1` is a prefix of
/// the tree of `size2` leaves with root `root2`.
///
/// The RFC's algorithm is for `0 < size1 < size2`; the other cases are settled before it:
/// `size1 > size2` fails; equal sizes need an empty proof and equal roots; an empty old tree
/// needs an empty proof and the empty root (every tree extends the empty one).
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Hash],
    root1: &Hash,
    root2: &Hash,
) -> Result<(), ProofError> {
    let wrong_length =
        || ProofError::WrongProofLength { expected: consistency_proof_len(size1, size2), found: proof.len() };
    if size1 > size2 {
        return Err(ProofError::OldSizeAboveNew { old: size1, new: size2 });
    }
    if size1 == size2 || size1 == 0 {
        if !proof.is_empty() {
            return Err(wrong_length());
        }
        if size1 == 0 && *root1 != EMPTY_ROOT {
            return Err(ProofError::OldRootMismatch { old: 0 });
        }
        if size1 == size2 && root1 != root2 {
            return Err(ProofError::SameSizeDifferentRoots { size: size1 });
        }
        return Ok(());
    }
    // 1. An empty consistency path fails.
    if proof.is_empty() {
        return Err(wrong_length());
    }
    // 2. If first is an exact power of 2, prepend first_hash to the path (the proof leaves out
    //    the old root, which is then a node of the new tree).
    let prepended = size1.is_power_of_two().then_some(root1);
    let mut path = prepended.into_iter().chain(proof);
    // 3. fn = first - 1, sn = second - 1.
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    // 4. If LSB(fn) is set, right-shift both until it is not.
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // 5. fr = sr = the first value of the path.
    let first = path.next().expect("the path is not empty");
    let (mut fr, mut sr) = (*first, *first);
    // 6. For each subsequent value c:
    for c in path {
        // a. sn == 0: the proof is longer than the new tree is high.
        if sn == 0 {
            return Err(wrong_length());
        }
        // b.
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        // c.
        fn_ >>= 1;
        sn >>= 1;
    }
    // 7. sn == 0, fr == first_hash, sr == second_hash.
    if sn != 0 {
        return Err(wrong_length());
    }
    if fr != *root1 {
        return Err(ProofError::OldRootMismatch { old: size1 });
    }
    if sr != *root2 {
        return Err(ProofError::NewRootMismatch { old: size1, new: size2 });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    use proptest::prelude::*;

    use super::*;

    // --- References written straight from RFC 9162 §2.1, sharing no code with the module ---

    fn sha256(parts: &[&[u8]]) -> Hash {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    }

    fn leaf(entry: &[u8]) -> Hash {
        sha256(&[&[0x00], entry])
    }

    fn node(l: &Hash, r: &Hash) -> Hash {
        sha256(&[&[0x01], l, r])
    }

    /// The largest power of two smaller than n, by counting.
    fn k_of(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    /// §2.1.1 MTH over leaf hashes.
    fn mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => sha256(&[]),
            1 => d[0],
            n => node(&mth(&d[..k_of(n)]), &mth(&d[k_of(n)..])),
        }
    }

    /// §2.1.3.1 PATH(m, D[n]).
    fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
        let n = d.len();
        if n == 1 {
            return vec![];
        }
        let k = k_of(n);
        if m < k {
            [path(m, &d[..k]), vec![mth(&d[k..])]].concat()
        } else {
            [path(m - k, &d[k..]), vec![mth(&d[..k])]].concat()
        }
    }

    /// §2.1.4.1 SUBPROOF(m, D[n], b).
    fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if b { vec![] } else { vec![mth(d)] };
        }
        let k = k_of(n);
        if m <= k {
            [subproof(m, &d[..k], b), vec![mth(&d[k..])]].concat()
        } else {
            [subproof(m - k, &d[k..], false), vec![mth(&d[..k])]].concat()
        }
    }

    fn h(s: &str) -> Hash {
        hash_from_hex(s).unwrap()
    }

    fn entry(i: u64) -> Vec<u8> {
        format!("service event {i}").into_bytes()
    }

    /// One log of 4,133 entries (2^12 + 37: every shape of right edge below it) shared by the
    /// property tests; its prefixes are the trees of every smaller size.
    const SHARED: u64 = 4133;

    fn shared() -> &'static (MemoryLog, Vec<Hash>) {
        static LOG: OnceLock<(MemoryLog, Vec<Hash>)> = OnceLock::new();
        LOG.get_or_init(|| {
            let mut log = MemoryLog::new();
            let leaves: Vec<Hash> = (0..SHARED).map(|i| leaf(&entry(i))).collect();
            for l in &leaves {
                log.append_leaf_hash(*l);
            }
            (log, leaves)
        })
    }

    fn ceil_log2(n: u64) -> usize {
        (64 - (n - 1).leading_zeros()) as usize
    }

    // --- Known answers ---

    #[test]
    fn the_empty_tree_hashes_to_sha256_of_nothing() {
        assert_eq!(EMPTY_ROOT, sha256(&[]));
        assert_eq!(
            hash_to_hex(&EMPTY_ROOT),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(root(&[]), EMPTY_ROOT);
        assert_eq!(Frontier::new().root(), EMPTY_ROOT);
    }

    #[test]
    fn roots_are_the_ones_computed_by_hand_from_the_definition() {
        let [a, b, c, d, e, f, g] = [b"a", b"b", b"c", b"d", b"e", b"f", b"g"].map(|x| leaf(x));
        assert_eq!(leaf_hash(b"a"), a);
        assert_eq!(node_hash(&a, &b), node(&a, &b));
        let cases: [(&[Hash], Hash); 7] = [
            (&[a], a),
            (&[a, b], node(&a, &b)),
            (&[a, b, c], node(&node(&a, &b), &c)),
            (&[a, b, c, d], node(&node(&a, &b), &node(&c, &d))),
            (&[a, b, c, d, e], node(&node(&node(&a, &b), &node(&c, &d)), &e)),
            (&[a, b, c, d, e, f], node(&node(&node(&a, &b), &node(&c, &d)), &node(&e, &f))),
            (&[a, b, c, d, e, f, g], node(&node(&node(&a, &b), &node(&c, &d)), &node(&node(&e, &f), &g))),
        ];
        for (leaves, expected) in cases {
            assert_eq!(root(leaves), expected, "{} leaves", leaves.len());
            let mut log = MemoryLog::new();
            leaves.iter().for_each(|l| _ = log.append_leaf_hash(*l));
            assert_eq!(log.root(), expected, "{} leaves, appended", leaves.len());
        }
        // Leaf 2 of 7 (c): its sibling d, then the pair (a, b), then the right part (e, f, g).
        let proof = inclusion_proof(&[a, b, c, d, e, f, g], 2).unwrap();
        assert_eq!(proof, vec![d, node(&a, &b), node(&node(&e, &f), &g)]);
        // From 3 to 7: c's sibling d, the pair (a, b), then (e, f, g).
        let proof = consistency_proof(&[a, b, c, d, e, f, g], 3).unwrap();
        assert_eq!(proof, vec![c, d, node(&a, &b), node(&node(&e, &f), &g)]);
    }

    /// The RFC 6962 reference test data of Certificate Transparency (the inputs "", 00, 10,
    /// 2021, 3031, 40414243, 5051525354555657, 606162636465666768696a6b6c6d6e6f).
    fn ct_leaves() -> Vec<Hash> {
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
            .iter()
            .map(|x| leaf_hash(&hex::decode(x).unwrap()))
            .collect()
    }

    #[test]
    fn roots_and_proofs_match_the_rfc_6962_reference_data() {
        let leaves = ct_leaves();
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        for (n, r) in roots.iter().enumerate() {
            assert_eq!(hash_to_hex(&root(&leaves[..=n])), *r, "size {}", n + 1);
        }
        let inclusion: [(u64, usize, &[&str]); 4] = [
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (
                1,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (index, size, expected) in inclusion {
            let proof = inclusion_proof(&leaves[..size], index).unwrap();
            assert_eq!(proof, expected.iter().map(|x| h(x)).collect::<Vec<_>>(), "leaf {index} of {size}");
            let root = h(roots[size - 1]);
            assert_eq!(verify_inclusion(&leaves[index as usize], index, size as u64, &proof, &root), Ok(()));
        }
        let consistency: [(u64, usize, &[&str]); 4] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (old, new, expected) in consistency {
            let proof = consistency_proof(&leaves[..new], old).unwrap();
            assert_eq!(proof, expected.iter().map(|x| h(x)).collect::<Vec<_>>(), "{old} to {new}");
            let (r1, r2) = (h(roots[old as usize - 1]), h(roots[new - 1]));
            assert_eq!(verify_consistency(old, new as u64, &proof, &r1, &r2), Ok(()));
        }
    }

    #[test]
    fn proofs_are_the_rfc_recursion_for_every_size_up_to_64() {
        let (log, leaves) = shared();
        for n in 1..=64usize {
            let d = &leaves[..n];
            assert_eq!(root_at(log, n as u64), Ok(mth(d)));
            assert_eq!(root(d), mth(d));
            for m in 0..n {
                let expected = path(m, d);
                assert_eq!(
                    prove_inclusion(log, m as u64, n as u64).as_ref(),
                    Ok(&expected),
                    "PATH({m}, D[{n}])"
                );
                assert_eq!(
                    inclusion_proof(d, m as u64).as_ref(),
                    Ok(&expected),
                    "PATH({m}, D[{n}]) from a slice"
                );
            }
            for m in 1..=n {
                let expected = subproof(m, d, true);
                assert_eq!(
                    prove_consistency(log, m as u64, n as u64).as_ref(),
                    Ok(&expected),
                    "PROOF({m}, D[{n}])"
                );
                assert_eq!(
                    consistency_proof(d, m as u64).as_ref(),
                    Ok(&expected),
                    "PROOF({m}, D[{n}]) from a slice"
                );
            }
        }
    }

    // --- Every proof verifies ---

    #[test]
    fn every_inclusion_proof_verifies_in_every_tree_of_1_to_300_leaves() {
        let (log, leaves) = shared();
        for n in 1..=300u64 {
            let root = root_at(log, n).unwrap();
            for i in 0..n {
                let proof = prove_inclusion(log, i, n).unwrap();
                assert_eq!(proof.len(), inclusion_proof_len(i, n));
                assert!(proof.len() <= ceil_log2(n), "leaf {i} of {n}: {} hashes", proof.len());
                assert_eq!(
                    verify_inclusion(&leaves[i as usize], i, n, &proof, &root),
                    Ok(()),
                    "leaf {i} of {n}"
                );
            }
        }
    }

    #[test]
    fn every_consistency_proof_verifies_between_any_two_sizes_up_to_300() {
        let (log, _) = shared();
        let roots: Vec<Hash> = (0..=300).map(|n| root_at(log, n).unwrap()).collect();
        for n in 0..=300u64 {
            for m in 0..=n {
                let proof = prove_consistency(log, m, n).unwrap();
                assert_eq!(proof.len(), consistency_proof_len(m, n));
                assert!(proof.len() <= 2 * ceil_log2(n.max(2)), "{m} to {n}: {} hashes", proof.len());
                let (r1, r2) = (&roots[m as usize], &roots[n as usize]);
                assert_eq!(verify_consistency(m, n, &proof, r1, r2), Ok(()), "{m} to {n}");
            }
        }
    }

    // --- Every change is detected ---

    /// What `verify_inclusion` computes for `(index, size)` and a proof of `len` hashes, hashes
    /// aside: for each proof hash, whether it goes on the left; `None` where the algorithm fails
    /// on the numbers alone. Two calls with the same trace compute the same root.
    fn inclusion_trace(index: u64, size: u64, len: usize) -> Option<Vec<bool>> {
        if index >= size {
            return None;
        }
        let (mut f, mut s) = (index, size - 1);
        let mut sides = Vec::new();
        for _ in 0..len {
            if s == 0 {
                return None;
            }
            let left = f & 1 == 1 || f == s;
            if left && f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
            sides.push(left);
            f >>= 1;
            s >>= 1;
        }
        (s == 0).then_some(sides)
    }

    /// The same for `verify_consistency` with `0 < size1 < size2`: whether the old root is
    /// prepended, and for each proof hash whether it enters both roots or only the new one.
    fn consistency_trace(size1: u64, size2: u64, len: usize) -> Option<(bool, Vec<bool>)> {
        if size1 == 0 || size1 >= size2 || len == 0 {
            return None;
        }
        let prepend = size1.is_power_of_two();
        let (mut f, mut s) = (size1 - 1, size2 - 1);
        while f & 1 == 1 {
            f >>= 1;
            s >>= 1;
        }
        let mut ops = Vec::new();
        for _ in 0..(len + usize::from(prepend) - 1) {
            if s == 0 {
                return None;
            }
            let both = f & 1 == 1 || f == s;
            if both && f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
            ops.push(both);
            f >>= 1;
            s >>= 1;
        }
        (s == 0).then_some((prepend, ops))
    }

    fn flip(hash: &mut Hash, byte: usize, bit: u8) {
        hash[byte % 32] ^= 1 << (bit % 8);
    }

    #[derive(Clone, Debug)]
    enum Change {
        ProofByte { elem: usize, byte: usize, bit: u8 },
        Root { byte: usize, bit: u8 },
        Leaf { byte: usize, bit: u8 },
        Index(u64),
        Size(u64),
        Truncate(usize),
        Extend(Hash),
        Swap(usize),
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            (any::<usize>(), 0..32usize, any::<u8>()).prop_map(|(elem, byte, bit)| Change::ProofByte {
                elem,
                byte,
                bit
            }),
            (0..32usize, any::<u8>()).prop_map(|(byte, bit)| Change::Root { byte, bit }),
            (0..32usize, any::<u8>()).prop_map(|(byte, bit)| Change::Leaf { byte, bit }),
            any::<u64>().prop_map(Change::Index),
            any::<u64>().prop_map(Change::Size),
            any::<usize>().prop_map(Change::Truncate),
            any::<[u8; 32]>().prop_map(Change::Extend),
            any::<usize>().prop_map(Change::Swap),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_change_to_an_inclusion_proof_is_detected(
            size in 1..=SHARED, index_seed: u64, change in change()
        ) {
            let (log, leaves) = shared();
            let index = index_seed % size;
            let mut proof = prove_inclusion(log, index, size).unwrap();
            let (mut leaf, mut root) = (leaves[index as usize], root_at(log, size).unwrap());
            let (mut i, mut n) = (index, size);
            prop_assert_eq!(verify_inclusion(&leaf, i, n, &proof, &root), Ok(()));
            match change {
                Change::ProofByte { elem, byte, bit } => {
                    prop_assume!(!proof.is_empty());
                    let len = proof.len();
                    flip(&mut proof[elem % len], byte, bit);
                }
                Change::Root { byte, bit } => flip(&mut root, byte, bit),
                Change::Leaf { byte, bit } => flip(&mut leaf, byte, bit),
                // Another leaf of the same tree, or one beyond it.
                Change::Index(seed) if size > 1 && seed % 2 == 0 => i = (index + 1 + seed / 2 % (size - 1)) % size,
                Change::Index(seed) => i = size + seed % 1000,
                Change::Size(seed) => {
                    n = 1 + seed % (2 * size + 64);
                    prop_assume!(n != size);
                }
                Change::Truncate(seed) => {
                    prop_assume!(!proof.is_empty());
                    proof.truncate(seed % proof.len());
                }
                Change::Extend(extra) => proof.insert(proof.len() / 2, extra),
                Change::Swap(seed) => {
                    prop_assume!(proof.len() >= 2);
                    let a = seed % (proof.len() - 1);
                    proof.swap(a, a + 1);
                    prop_assume!(proof[a] != proof[a + 1]);
                }
            }
            let result = verify_inclusion(&leaf, i, n, &proof, &root);
            if let Change::Size(_) = change {
                // A root does not commit to its size (RFC 9162 roots never do: the signed head
                // does). A changed size passes exactly when the verifier hashes the very same
                // way, and fails otherwise.
                let same = inclusion_trace(index, size, proof.len()) == inclusion_trace(i, n, proof.len());
                prop_assert_eq!(result.is_ok(), same, "leaf {} of {} checked as of {}", index, size, n);
            } else {
                prop_assert!(result.is_err(), "{:?} went unnoticed (leaf {} of {})", change, index, size);
            }
        }

        #[test]
        fn any_change_to_a_consistency_proof_is_detected(
            new in 1..=SHARED, old_seed: u64, change in change()
        ) {
            let (log, _) = shared();
            let old = old_seed % (new + 1);
            let mut proof = prove_consistency(log, old, new).unwrap();
            let (mut r1, mut r2) = (root_at(log, old).unwrap(), root_at(log, new).unwrap());
            let (mut m, mut n) = (old, new);
            prop_assert_eq!(verify_consistency(m, n, &proof, &r1, &r2), Ok(()));
            match change {
                Change::ProofByte { elem, byte, bit } => {
                    prop_assume!(!proof.is_empty());
                    let len = proof.len();
                    flip(&mut proof[elem % len], byte, bit);
                }
                // "Leaf" stands for the other root here.
                Change::Root { byte, bit } => flip(&mut r1, byte, bit),
                Change::Leaf { byte, bit } => {
                    // Every tree extends the empty one: with old = 0 the new root is free.
                    prop_assume!(old > 0);
                    flip(&mut r2, byte, bit)
                }
                Change::Index(seed) => {
                    m = seed % (new + 64);
                    prop_assume!(m != old);
                }
                Change::Size(seed) => {
                    n = seed % (2 * new + 64);
                    prop_assume!(n != new);
                }
                Change::Truncate(seed) => {
                    prop_assume!(!proof.is_empty());
                    proof.truncate(seed % proof.len());
                }
                Change::Extend(extra) => proof.insert(proof.len() / 2, extra),
                Change::Swap(seed) => {
                    prop_assume!(proof.len() >= 2);
                    let a = seed % (proof.len() - 1);
                    prop_assume!(proof[a] != proof[a + 1]);
                    proof.swap(a, a + 1);
                }
            }
            let result = verify_consistency(m, n, &proof, &r1, &r2);
            if let Change::Index(_) | Change::Size(_) = change {
                // As above: sizes are bound by the signed heads, not by the roots. A changed
                // size passes exactly when the verifier hashes the very same way.
                // The cases settled before the algorithm: nothing to hash.
                let same = match (m, n) {
                    _ if m > n => false,
                    (0, _) => proof.is_empty() && r1 == EMPTY_ROOT,
                    _ if m == n => proof.is_empty() && r1 == r2,
                    _ => {
                        let before = consistency_trace(old, new, proof.len());
                        before.is_some() && before == consistency_trace(m, n, proof.len())
                    }
                };
                prop_assert_eq!(result.is_ok(), same, "{} to {} checked as {} to {}", old, new, m, n);
            } else {
                prop_assert!(result.is_err(), "{:?} went unnoticed ({} to {})", change, old, new);
            }
        }
    }

    #[test]
    fn a_changed_size_passes_only_where_the_verifier_hashes_the_same_way() {
        // Leaf 0 of 3 and of 4: the proofs [l1, l2] and [l1, MTH(l2, l3)] are checked by the
        // same two steps, so the size-3 proof "verifies" as a size-4 proof against the size-3
        // root. This is why the size is signed with the root (signed.rs), and why a receipt
        // check with a changed size fails on the signature.
        let leaves: Vec<Hash> = (0..4).map(|i| leaf(&entry(i))).collect();
        let proof = inclusion_proof(&leaves[..3], 0).unwrap();
        let root3 = root(&leaves[..3]);
        assert_eq!(verify_inclusion(&leaves[0], 0, 4, &proof, &root3), Ok(()));
        assert_eq!(inclusion_trace(0, 3, 2), inclusion_trace(0, 4, 2));
        // Leaf 2 of 3 and of 4 are hashed differently: caught.
        let proof = inclusion_proof(&leaves[..3], 2).unwrap();
        assert!(verify_inclusion(&leaves[2], 2, 4, &proof, &root3).is_err());
    }

    #[test]
    fn each_failure_says_what_failed() {
        let leaves: Vec<Hash> = (0..5).map(|i| leaf(&entry(i))).collect();
        let r5 = root(&leaves);
        let r3 = root(&leaves[..3]);
        let p = inclusion_proof(&leaves, 1).unwrap();
        assert_eq!(
            verify_inclusion(&leaves[1], 5, 5, &p, &r5),
            Err(ProofError::IndexBeyondSize { index: 5, size: 5 })
        );
        assert_eq!(
            verify_inclusion(&leaves[1], 1, 5, &p[..2], &r5),
            Err(ProofError::WrongProofLength { expected: 3, found: 2 })
        );
        assert_eq!(
            verify_inclusion(&leaves[1], 1, 5, &[p.clone(), vec![r3]].concat(), &r5),
            Err(ProofError::WrongProofLength { expected: 3, found: 4 })
        );
        assert_eq!(verify_inclusion(&leaves[2], 1, 5, &p, &r5), Err(ProofError::RootMismatch));

        let c = consistency_proof(&leaves, 3).unwrap();
        assert_eq!(
            verify_consistency(5, 3, &c, &r5, &r3),
            Err(ProofError::OldSizeAboveNew { old: 5, new: 3 })
        );
        assert_eq!(
            verify_consistency(5, 5, &[], &r5, &r3),
            Err(ProofError::SameSizeDifferentRoots { size: 5 })
        );
        assert_eq!(
            verify_consistency(5, 5, &c, &r5, &r5),
            Err(ProofError::WrongProofLength { expected: 0, found: c.len() })
        );
        assert_eq!(verify_consistency(0, 5, &[], &EMPTY_ROOT, &r5), Ok(()));
        assert_eq!(verify_consistency(0, 5, &[], &r3, &r5), Err(ProofError::OldRootMismatch { old: 0 }));
        assert_eq!(
            verify_consistency(0, 0, &[], &EMPTY_ROOT, &r5),
            Err(ProofError::SameSizeDifferentRoots { size: 0 })
        );
        // 3 to 5: l2, l3, MTH(l0, l1), l4.
        assert_eq!(c.len(), 4);
        assert_eq!(
            verify_consistency(3, 5, &[], &r3, &r5),
            Err(ProofError::WrongProofLength { expected: 4, found: 0 })
        );
        assert_eq!(verify_consistency(3, 5, &c, &r5, &r5), Err(ProofError::OldRootMismatch { old: 3 }));
        assert_eq!(
            verify_consistency(3, 5, &c, &r3, &r3),
            Err(ProofError::NewRootMismatch { old: 3, new: 5 })
        );
    }

    #[test]
    fn every_proof_error_reads_in_both_languages() {
        let all = [
            ProofError::IndexBeyondSize { index: 7, size: 5 },
            ProofError::WrongProofLength { expected: 3, found: 2 },
            ProofError::RootMismatch,
            ProofError::OldSizeAboveNew { old: 5, new: 3 },
            ProofError::SameSizeDifferentRoots { size: 5 },
            ProofError::OldRootMismatch { old: 0 },
            ProofError::OldRootMismatch { old: 3 },
            ProofError::NewRootMismatch { old: 3, new: 5 },
        ];
        for e in all {
            let (zh, en) = (e.message(Lang::Zh), e.message(Lang::En));
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{zh}");
            assert!(en.is_ascii() || en.contains('“'), "{en}");
            assert_eq!(e.to_string(), en);
        }
        assert!(ProofError::WrongProofLength { expected: 3, found: 2 }.message(Lang::Zh).contains("应有3个"));
    }

    // --- Making proofs from a store ---

    #[test]
    fn a_proof_reads_only_the_nodes_it_names_and_they_are_few() {
        let (log, _) = shared();
        let mut rng = Rng(7);
        for _ in 0..500 {
            let size = 1 + rng.next() % SHARED;
            let index = rng.next() % size;
            let old = rng.next() % (size + 1);
            let wanted = nodes_for_inclusion(index, size).unwrap();
            assert!(
                wanted.len() <= 2 * ceil_log2(size.max(2)),
                "{} nodes for leaf {index} of {size}",
                wanted.len()
            );
            let fetched = NodeMap::new(size, wanted.iter().map(|n| (*n, log.subtree_root(*n).unwrap())));
            assert_eq!(prove_inclusion(&fetched, index, size), prove_inclusion(log, index, size));

            let wanted = nodes_for_consistency(old, size).unwrap();
            assert!(wanted.len() <= 3 * ceil_log2(size.max(2)), "{} nodes for {old} to {size}", wanted.len());
            let fetched = NodeMap::new(size, wanted.iter().map(|n| (*n, log.subtree_root(*n).unwrap())));
            assert_eq!(prove_consistency(&fetched, old, size), prove_consistency(log, old, size));

            let fetched = NodeMap::new(
                size,
                nodes_for_root(size).into_iter().map(|n| (n, log.subtree_root(n).unwrap())),
            );
            assert_eq!(root_at(&fetched, size), root_at(log, size));
        }
    }

    #[test]
    fn a_missing_node_or_a_bad_request_is_an_error_not_a_wrong_proof() {
        let (log, _) = shared();
        let mut wanted = nodes_for_inclusion(5, 100).unwrap();
        let lost = wanted.remove(1);
        let fetched = NodeMap::new(100, wanted.iter().map(|n| (*n, log.subtree_root(*n).unwrap())));
        assert_eq!(prove_inclusion(&fetched, 5, 100), Err(ProveError::MissingNode(lost)));
        // A node it lacks is computed from its children when it has them.
        let mut fetched = fetched;
        if let Some((l, r)) = lost.children() {
            fetched.insert(l, log.subtree_root(l).unwrap());
            fetched.insert(r, log.subtree_root(r).unwrap());
            assert_eq!(prove_inclusion(&fetched, 5, 100), prove_inclusion(log, 5, 100));
        }

        assert_eq!(
            prove_inclusion(log, 100, 100),
            Err(ProveError::IndexBeyondSize { index: 100, size: 100 })
        );
        assert_eq!(nodes_for_inclusion(3, 0), Err(ProveError::IndexBeyondSize { index: 3, size: 0 }));
        assert_eq!(
            prove_inclusion(log, 0, SHARED + 1),
            Err(ProveError::SizeBeyondStore { size: SHARED + 1, stored: SHARED })
        );
        assert_eq!(prove_consistency(log, 9, 8), Err(ProveError::OldSizeAboveNew { old: 9, new: 8 }));
        assert_eq!(nodes_for_consistency(9, 8), Err(ProveError::OldSizeAboveNew { old: 9, new: 8 }));
        assert_eq!(
            root_at(log, SHARED + 1),
            Err(ProveError::SizeBeyondStore { size: SHARED + 1, stored: SHARED })
        );
    }

    #[test]
    fn appending_yields_the_nodes_a_store_keeps_and_the_frontier_round_trips() {
        let (log, leaves) = shared();
        let mut frontier = Frontier::new();
        for (i, l) in leaves.iter().take(600).enumerate() {
            let added = frontier.append(*l);
            // The leaf, then one node per trailing one bit of the old size.
            assert_eq!(added.len(), 1 + (i as u64).trailing_ones() as usize);
            assert_eq!(added[0], (NodeId::leaf(i as u64), *l));
            for (node, hash) in added {
                assert_eq!(
                    node.first_leaf() + node.leaf_count(),
                    i as u64 + 1,
                    "{node:?} ends at the new leaf"
                );
                assert_eq!(log.subtree_root(node), Some(hash));
            }
            let size = i as u64 + 1;
            assert_eq!(frontier.root(), mth(&leaves[..=i]));
            let peaks: Vec<Hash> =
                nodes_for_root(size).iter().map(|n| log.subtree_root(*n).unwrap()).collect();
            assert_eq!(frontier.peaks(), &peaks[..]);
            assert_eq!(Frontier::from_parts(size, peaks), Ok(frontier.clone()));
        }
        assert_eq!(
            Frontier::from_parts(6, vec![EMPTY_ROOT]),
            Err(FrontierError::WrongPeakCount { size: 6, expected: 2, found: 1 })
        );
        let json = serde_json::to_string(&frontier).unwrap();
        assert!(json.starts_with(r#"{"size":600,"peaks":[""#), "{json}");
        assert_eq!(serde_json::from_str::<Frontier>(&json).unwrap(), frontier);
        let short = json.replacen(r#""size":600"#, r#""size":601"#, 1);
        let err = serde_json::from_str::<Frontier>(&short).unwrap_err().to_string();
        assert!(err.contains("601 leaves has 5 peaks, not 4"), "{err}");
    }

    // --- Benchmark ---

    /// splitmix64: a small deterministic generator for the sampled tests and the benchmark.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
    }

    /// Run with `cargo test -p app --lib --features ssr merkle_benchmark -- --ignored --nocapture`;
    /// for optimised figures without a release build of the whole app, add
    /// `--config 'profile.dev.package.sha2.opt-level=3' --config 'profile.dev.package.app.opt-level=3'`.
    #[test]
    #[ignore = "benchmark: run with --ignored --nocapture"]
    fn merkle_benchmark_at_a_million_entries() {
        const N: u64 = 1_000_000;
        // A service event of about 200 bytes, as the server would log it.
        let mut event = String::new();
        let write_event = |i: u64, out: &mut String| {
            use std::fmt::Write;
            out.clear();
            write!(
                out,
                r#"{{"v":1,"case":"(2025)湘0181民初{i}号","doc":"传票","to":"13800138000","channel":"sms","event":"delivered","at":{}}}"#,
                1_750_000_000_000 + i
            )
            .unwrap();
        };

        // The pure append path: leaf hash + frontier (what the server does in a transaction).
        let mut frontier = Frontier::new();
        let start = Instant::now();
        for i in 0..N {
            write_event(i, &mut event);
            frontier.append(leaf_hash(event.as_bytes()));
        }
        let frontier_secs = start.elapsed().as_secs_f64();

        // The same, keeping every node (the server's node table, in memory).
        let mut log = MemoryLog::new();
        let start = Instant::now();
        for i in 0..N {
            write_event(i, &mut event);
            log.append(event.as_bytes());
        }
        let log_secs = start.elapsed().as_secs_f64();
        assert_eq!(log.root(), frontier.root());

        let root = log.root();
        let mut rng = Rng(2025);
        let samples = 10_000;
        let (mut total, mut worst, mut longest) = (Duration::ZERO, Duration::ZERO, 0);
        let mut two_phase = Duration::ZERO;
        let mut checking = Duration::ZERO;
        let mut most_nodes = 0;
        for _ in 0..samples {
            let index = rng.next() % N;
            let t = Instant::now();
            let proof = prove_inclusion(&log, index, N).unwrap();
            let took = t.elapsed();
            total += took;
            worst = worst.max(took);
            longest = longest.max(proof.len());

            let t = Instant::now();
            let wanted = nodes_for_inclusion(index, N).unwrap();
            let fetched = NodeMap::new(N, wanted.iter().map(|n| (*n, log.subtree_root(*n).unwrap())));
            let again = prove_inclusion(&fetched, index, N).unwrap();
            two_phase += t.elapsed();
            most_nodes = most_nodes.max(wanted.len());
            assert_eq!(again, proof);

            let t = Instant::now();
            verify_inclusion(&log.leaf(index).unwrap(), index, N, &proof, &root).unwrap();
            checking += t.elapsed();
        }
        let (mut consistency, mut longest_c) = (Duration::ZERO, 0);
        for _ in 0..1000 {
            let old = 1 + rng.next() % (N - 1);
            let t = Instant::now();
            let proof = prove_consistency(&log, old, N).unwrap();
            consistency += t.elapsed();
            longest_c = longest_c.max(proof.len());
        }
        let avg = total / samples;
        println!("merkle benchmark, {N} entries");
        println!("  appends, leaf hash + frontier:      {:>10.0} /s", N as f64 / frontier_secs);
        println!("  appends, keeping every node:        {:>10.0} /s", N as f64 / log_secs);
        println!("  inclusion proof, average:           {avg:>10.2?} (worst {worst:.2?}), at most {longest} hashes");
        println!(
            "  inclusion proof from fetched nodes: {:>10.2?} average, at most {most_nodes} nodes read",
            two_phase / samples
        );
        println!("  inclusion check, average:           {:>10.2?}", checking / samples);
        println!(
            "  consistency proof, average:         {:>10.2?}, at most {longest_c} hashes",
            consistency / 1000
        );
        assert!(avg <= Duration::from_millis(1), "inclusion proof took {avg:?} on average");
        assert!(longest <= 20, "{longest} hashes");
        assert!(N as f64 / frontier_secs >= 5_000.0);
    }
}
