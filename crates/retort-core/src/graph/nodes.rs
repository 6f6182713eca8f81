//! The graph's storage: the links of all revisions as flat adjacency lists
//! (one allocation per kind of link, not per revision), branch labels as
//! shared sets, and the id index.

use super::bitset::Bitset;
use crate::revision::Revision;

/// One list of revision indexes per revision, stored end to end.
#[derive(Debug, Default)]
pub(crate) struct Adjacency {
    /// `items[start[i]..start[i + 1]]` are the links of revision `i`;
    /// empty when no revision has any link.
    start: Vec<u32>,
    items: Vec<usize>,
}

impl Adjacency {
    /// The links of revision `i`.
    pub(crate) fn of(&self, i: usize) -> &[usize] {
        match self.start.get(i..i + 2) {
            Some(&[a, b]) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Builds the lists from `links(i, out)` pushing the links of `i`.
    pub(crate) fn build(n: usize, mut links: impl FnMut(usize, &mut Vec<usize>)) -> Self {
        let mut start = Vec::with_capacity(n + 1);
        let mut items = Vec::with_capacity(n);
        start.push(0);
        for i in 0..n {
            links(i, &mut items);
            start.push(offset(items.len()));
        }
        Adjacency { start, items }
    }

    /// The inverse lists: `i` is linked from `j` for each `j` linking `i`,
    /// in increasing `j`. `links` gives the links of `j` to invert; a link
    /// listed twice by one `j` counts once only when `links` dedups.
    pub(crate) fn invert<'a>(n: usize, links: impl Fn(usize) -> &'a [usize]) -> Self {
        let mut start = vec![0u32; n + 1];
        for j in 0..n {
            for &i in links(j) {
                start[i + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill: Vec<u32> = start[..n].to_vec();
        let mut items = vec![0usize; start[n] as usize];
        for j in 0..n {
            for &i in links(j) {
                items[fill[i] as usize] = j;
                fill[i] += 1;
            }
        }
        Adjacency { start, items }
    }

    /// True when no revision has a link.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

fn offset(len: usize) -> u32 {
    u32::try_from(len).expect("fewer than 4 billion links")
}

/// The resolved links and labels of every revision, as indexes.
#[derive(Debug, Default)]
pub(crate) struct Nodes {
    /// `down_revision`, in written order, without duplicates.
    pub(crate) parents: Adjacency,
    /// `depends_on`, resolved, in written order, without duplicates.
    pub(crate) deps: Adjacency,
    /// Revisions naming this one in `down_revision`, in input order.
    pub(crate) children: Adjacency,
    /// `parents` then the dependencies not implied by an ancestor's;
    /// `None` when no revision has a dependency (it is then `parents`).
    pub(crate) norm_down: Option<Adjacency>,
    /// Revisions naming this one in `down_revision` or `depends_on`, in
    /// input order; `None` when no revision has a dependency.
    pub(crate) all_children: Option<Adjacency>,
    /// Revisions with a dependency left after normalization.
    pub(crate) has_norm_deps: Option<Bitset>,
    /// Each revision's position in a topological order of `norm_down`
    /// (parents and dependencies before their children).
    pub(crate) topo_pos: Vec<u32>,
    /// The label set of each revision (index into `label_sets`); empty
    /// when no label is declared.
    pub(crate) label_set: Vec<u32>,
    /// Distinct sets of effective branch labels (indexes into the graph's
    /// `label_names`), each sorted; revisions on one line share theirs.
    pub(crate) label_sets: Vec<Box<[u32]>>,
}

impl Nodes {
    pub(crate) fn parents(&self, i: usize) -> &[usize] {
        self.parents.of(i)
    }

    pub(crate) fn deps(&self, i: usize) -> &[usize] {
        self.deps.of(i)
    }

    pub(crate) fn children(&self, i: usize) -> &[usize] {
        self.children.of(i)
    }

    pub(crate) fn norm_down(&self, i: usize) -> &[usize] {
        match &self.norm_down {
            Some(a) => a.of(i),
            None => self.parents.of(i),
        }
    }

    pub(crate) fn all_children(&self, i: usize) -> &[usize] {
        match &self.all_children {
            Some(a) => a.of(i),
            None => self.children.of(i),
        }
    }

    /// True when some dependency of `i` survived normalization.
    pub(crate) fn has_norm_deps(&self, i: usize) -> bool {
        self.has_norm_deps.as_ref().is_some_and(|s| s.contains(i))
    }

    /// The effective branch labels of `i` (label numbers), sorted.
    pub(crate) fn labels(&self, i: usize) -> &[u32] {
        match self.label_set.get(i) {
            Some(&s) => &self.label_sets[s as usize],
            None => &[],
        }
    }
}

/// The id -> revision index, an open-addressing table of revision indexes
/// hashed by id: no copy of the ids, no allocation per revision.
#[derive(Debug, Default)]
pub(crate) struct IdIndex {
    /// `(hash tag << 32) | index`, or `EMPTY`.
    slots: Vec<u64>,
}

const EMPTY: u64 = u64::MAX;

impl IdIndex {
    /// Indexes `revisions`; on a duplicate id, returns the indexes of its
    /// first and second declarations.
    pub(crate) fn build(revisions: &[Revision]) -> Result<Self, (usize, usize)> {
        assert!(
            u32::try_from(revisions.len()).is_ok_and(|n| n < u32::MAX),
            "fewer than 4 billion revisions"
        );
        let capacity = (revisions.len() * 2).next_power_of_two().max(8);
        let mut index = IdIndex {
            slots: vec![EMPTY; capacity],
        };
        for (i, rev) in revisions.iter().enumerate() {
            let h = hash_id(&rev.id);
            let mut at = index.home(h);
            loop {
                let slot = index.slots[at];
                if slot == EMPTY {
                    index.slots[at] = (tag(h) << 32) | i as u64;
                    break;
                }
                let j = (slot & 0xffff_ffff) as usize;
                if slot >> 32 == tag(h) && revisions[j].id == rev.id {
                    return Err((j, i));
                }
                at = (at + 1) & (index.slots.len() - 1);
            }
        }
        Ok(index)
    }

    /// The index of the revision with exactly this id.
    pub(crate) fn get(&self, revisions: &[Revision], id: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let h = hash_id(id);
        let mut at = self.home(h);
        loop {
            let slot = self.slots[at];
            if slot == EMPTY {
                return None;
            }
            let j = (slot & 0xffff_ffff) as usize;
            if slot >> 32 == tag(h) && revisions[j].id.as_str() == id {
                return Some(j);
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
    }

    fn home(&self, h: u64) -> usize {
        (h as usize) & (self.slots.len() - 1)
    }
}

fn tag(h: u64) -> u64 {
    h >> 32
}

/// A fast hash of an id (ids are short; no need to resist crafted input).
fn hash_id(id: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes = id.as_bytes();
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    // Mix the high bits (which the multiplications fill best) down into
    // the low bits the table uses for the home slot.
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}
