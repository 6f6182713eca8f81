//! TEMPORARY stub of the graph API so the script layer compiles (not committed).
#![allow(missing_docs, unused)]
use crate::revision::{Revision, RevisionId};
#[derive(Debug, thiserror::Error)]
#[error("graph error {0}")]
pub struct GraphError(pub String);
#[derive(Debug, thiserror::Error)]
#[error("resolve error {0}")]
pub struct ResolveError(pub String);
#[derive(Debug, thiserror::Error)]
#[error("plan error {0}")]
pub struct PlanError(pub String);
#[derive(Debug)]
pub struct RevisionGraph { revs: Vec<Revision> }
impl RevisionGraph {
    pub fn new(revisions: Vec<Revision>) -> Result<Self, GraphError> { Ok(Self { revs: revisions }) }
    pub fn len(&self) -> usize { self.revs.len() }
    pub fn is_empty(&self) -> bool { self.revs.is_empty() }
    pub fn revisions(&self) -> impl Iterator<Item = &Revision> { self.revs.iter() }
    pub fn get(&self, id: &str) -> Option<&Revision> { self.revs.iter().find(|r| r.id.as_str() == id) }
    pub fn heads(&self) -> Vec<&Revision> { self.revs.iter().filter(|r| !self.revs.iter().any(|c| c.down_revisions.contains(&r.id))).collect() }
    pub fn heads_resolving_dependencies(&self) -> Vec<&Revision> { self.heads() }
    pub fn bases(&self) -> Vec<&Revision> { self.revs.iter().filter(|r| r.is_base()).collect() }
    pub fn branch_points(&self) -> Vec<&Revision> { self.revs.iter().filter(|r| self.children(&r.id).len() > 1).collect() }
    pub fn children(&self, id: &str) -> Vec<&Revision> { self.revs.iter().filter(|c| c.down_revisions.iter().any(|d| d.as_str() == id)).collect() }
    pub fn is_head(&self, id: &str) -> bool { self.children(id).is_empty() }
    pub fn is_branch_point(&self, id: &str) -> bool { self.children(id).len() > 1 }
    pub fn branch_labels(&self, id: &str) -> Vec<&str> { self.get(id).map(|r| r.branch_labels.iter().map(String::as_str).collect()).unwrap_or_default() }
    pub fn dependencies(&self, id: &str) -> Vec<&Revision> { vec![] }
    pub fn resolve(&self, expr: &str) -> Result<Vec<&Revision>, ResolveError> {
        match expr { "heads" | "head" => Ok(self.heads()), "base" => Ok(vec![]), e => self.get(e).map(|r| vec![r]).ok_or(ResolveError(e.into())) }
    }
    pub fn resolve_one(&self, expr: &str) -> Result<Option<&Revision>, ResolveError> { Ok(self.resolve(expr)?.into_iter().next()) }
    pub fn history(&self, range: Option<&str>) -> Result<Vec<&Revision>, ResolveError> { Ok(self.revs.iter().rev().collect()) }
}
