//! Writing a new revision file: `retort revision` and `retort merge`
//! (Alembic's `ScriptDirectory.generate_revision`).
//!
//! Everything is checked before anything is written: the parents resolve,
//! the new graph is valid, and the rendered template parses back to the
//! intended revision. Only then is the file created.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Zoned;
use jiff::tz::TimeZone;

use super::render::{NewRevision, render_revision};
use super::{ScriptDirectory, ScriptError, naming, parse_revision};
use crate::graph::RevisionGraph;
use crate::revision::{Operations, Revision, RevisionId};

/// What `retort revision` / `retort merge` were asked for.
#[derive(Clone, Debug, Default)]
pub struct RevisionOptions {
    /// `-m`: the message; Alembic's "empty message" when absent.
    pub message: Option<String>,
    /// `--head`: the parent expressions; default `head`. Several for a merge;
    /// `base` starts a new base.
    pub heads: Vec<String>,
    /// `--splice`: allow a parent that is not a head (a new branch).
    pub splice: bool,
    /// `--branch-label`.
    pub branch_labels: Vec<String>,
    /// `--version-path`: which version location gets the file.
    pub version_path: Option<PathBuf>,
    /// `--rev-id`: the new id instead of a random one.
    pub rev_id: Option<String>,
    /// `--depends-on`: revisions or labels the new one depends on.
    pub depends_on: Vec<String>,
    /// Operations to write (autogenerate fills these).
    pub upgrade: Operations,
    /// Reverse operations.
    pub downgrade: Operations,
    /// `-x KEY=VALUE` arguments for the template and hooks.
    pub x_args: BTreeMap<String, String>,
    /// The creation time; now when absent.
    pub now: Option<Zoned>,
}

impl ScriptDirectory {
    /// Writes a new revision file and adds it to the graph; returns its path.
    pub fn generate_revision(&mut self, opts: RevisionOptions) -> Result<PathBuf, ScriptError> {
        let now = match &opts.now {
            Some(now) => now.clone(),
            None => self.now()?,
        };
        let new = self.plan_new_revision(&opts, &now)?;
        let path = self.new_revision_path(&opts, &new, &now)?;
        let template_path = self.template_path();
        let template =
            std::fs::read_to_string(&template_path).map_err(|source| ScriptError::Io {
                path: template_path.clone(),
                source,
            })?;
        let text = render_revision(&template, &new).map_err(|e| ScriptError::Template {
            path: template_path.clone(),
            message: format!("{e:#}"),
        })?;
        let written = parse_revision(&path, &text).map_err(|e| ScriptError::Template {
            path: template_path.clone(),
            message: format!("it rendered an invalid revision file ({e})"),
        })?;
        check_rendered(&written, &new, &template_path)?;

        let mut revisions: Vec<Revision> = self.graph.revisions().cloned().collect();
        revisions.push(written);
        let graph = RevisionGraph::new(revisions)?;

        write_new_file(&path, &text)?;
        // A hook may rewrite the file: what is on disk is the revision. If a
        // hook fails, or leaves a file that no longer reads or fits the
        // graph, the new file is removed so that nothing is half-done.
        let checked = self.run_hooks(&path, &opts.x_args).and_then(|()| {
            let on_disk =
                super::read_revision_file(&path).map_err(|e| self.hook_broke(&path, e))?;
            let mut revisions: Vec<Revision> = graph.revisions().cloned().collect();
            if let Some(last) = revisions.last_mut() {
                *last = on_disk;
            }
            RevisionGraph::new(revisions).map_err(|e| self.hook_broke(&path, e))
        });
        match checked {
            Ok(graph) => {
                self.graph = graph;
                Ok(path)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                Err(e)
            }
        }
    }

    /// Resolves the parents and dependencies of the new revision, Alembic's way.
    fn plan_new_revision(
        &self,
        opts: &RevisionOptions,
        now: &Zoned,
    ) -> Result<NewRevision, ScriptError> {
        let id = match &opts.rev_id {
            Some(id) => check_rev_id(id)?,
            None => RevisionId::generate(),
        };
        if let Some(existing) = self.graph.get(&id) {
            return Err(ScriptError::Refused(format!(
                "revision {id} already exists ({}); choose another --rev-id",
                existing.path.display()
            )));
        }
        let exprs: Vec<&str> = if opts.heads.is_empty() {
            vec!["head"]
        } else {
            opts.heads.iter().map(String::as_str).collect()
        };
        let mut parents: Vec<&Revision> = Vec::new();
        for expr in &exprs {
            if *expr == "head" && self.graph.heads().len() > 1 {
                return Err(ScriptError::Refused(format!(
                    "multiple heads are present ({}); please specify the head revision on which the new revision should be based with --head, or perform a merge",
                    self.graph
                        .heads()
                        .iter()
                        .map(|h| h.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            parents.extend(self.graph.resolve(expr)?);
        }
        let mut ids: Vec<&str> = parents.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(ScriptError::Refused(
                "duplicate head revisions specified".into(),
            ));
        }
        if let Some(p) = parents.iter().find(|p| !self.graph.is_head(&p.id))
            && !opts.splice
        {
            return Err(ScriptError::Refused(format!(
                "revision {} is not a head revision; please specify --splice to create a new branch from this revision",
                p.id
            )));
        }
        let mut depends_on = Vec::new();
        for dep in &opts.depends_on {
            let rev = self.graph.resolve_one(dep)?.ok_or_else(|| {
                ScriptError::Refused(format!(
                    "--depends-on {dep}: a revision cannot depend on base"
                ))
            })?;
            // Keep branch labels as written, resolve partial ids to full ones.
            if self.graph.branch_labels(&rev.id).contains(&dep.as_str()) {
                depends_on.push(dep.clone());
            } else {
                depends_on.push(rev.id.to_string());
            }
        }
        let date_format = if self.config.timezone.is_some() {
            "%Y-%m-%d %H:%M:%S%:z"
        } else {
            "%Y-%m-%d %H:%M:%S"
        };
        Ok(NewRevision {
            id,
            message: opts
                .message
                .clone()
                .unwrap_or_else(|| "empty message".into()),
            down_revisions: parents.iter().map(|p| p.id.clone()).collect(),
            branch_labels: opts.branch_labels.clone(),
            depends_on,
            create_date: now.strftime(date_format).to_string(),
            upgrade: opts.upgrade.clone(),
            downgrade: opts.downgrade.clone(),
            databases: self
                .config
                .database_names()
                .into_iter()
                .map(String::from)
                .collect(),
            x_args: opts.x_args.clone(),
        })
    }

    /// Now, in the configured `timezone` or local time.
    fn now(&self) -> Result<Zoned, ScriptError> {
        match &self.config.timezone {
            None => Ok(Zoned::now()),
            Some(name) => {
                let tz = TimeZone::get(name).map_err(|_| {
                    ScriptError::Refused(format!(
                        "can't locate timezone {name:?} (timezone in {}); use an IANA name such as \"UTC\" or \"Europe/Paris\"",
                        self.config.path.display()
                    ))
                })?;
                Ok(Zoned::now().with_time_zone(tz))
            }
        }
    }

    /// Where the new file goes: `--version-path`, else the folder of its
    /// parent when there are several version locations, else the only one.
    fn new_revision_path(
        &self,
        opts: &RevisionOptions,
        new: &NewRevision,
        now: &Zoned,
    ) -> Result<PathBuf, ScriptError> {
        let locations = self.version_paths();
        let folder = match &opts.version_path {
            Some(p) => {
                let wanted = normalize(p);
                locations
                    .iter()
                    .find(|l| normalize(l) == wanted)
                    .cloned()
                    .ok_or_else(|| {
                        ScriptError::Refused(format!(
                            "path {} is not represented in current version locations ({}); add it to version_locations in retort.toml",
                            p.display(),
                            locations.iter().map(|l| l.display().to_string()).collect::<Vec<_>>().join(", ")
                        ))
                    })?
            }
            None if locations.len() > 1 => new
                .down_revisions
                .first()
                .and_then(|id| self.graph.get(id))
                .and_then(|p| p.path.parent().map(Path::to_path_buf))
                .ok_or_else(|| {
                    ScriptError::Refused(
                        "multiple version locations present, please specify --version-path".into(),
                    )
                })?,
            None => locations[0].clone(),
        };
        std::fs::create_dir_all(&folder).map_err(|source| ScriptError::Io {
            path: folder.clone(),
            source,
        })?;
        let slug = naming::slug(
            opts.message.as_deref().unwrap_or_default(),
            self.config.truncate_slug_length,
        );
        let name = naming::file_name(&self.config.file_template, &new.id, &slug, now);
        self.check_findable(&folder, &name)?;
        Ok(folder.join(&name))
    }

    /// The new file `name` (from `file_template`) in the version location
    /// `folder` must be one the loader reads back: inside the folder, in a
    /// sub-folder only when sub-folders are searched, not hidden.
    /// `retort.toml` is checked when read; this catches what the tokens and
    /// the id add.
    fn check_findable(&self, folder: &Path, name: &str) -> Result<(), ScriptError> {
        let template = &self.config.file_template;
        let parts: Vec<&str> = name.split(['/', '\\']).collect();
        let refused = |why: String| {
            ScriptError::Refused(format!(
                "file_template {template:?} in {} gives the file name {name:?}, {why}",
                self.config.path.display()
            ))
        };
        if Path::new(name).is_absolute() || parts.contains(&"..") {
            return Err(refused(format!(
                "which is outside the version location {}; write a name relative to it",
                folder.display()
            )));
        }
        if parts.len() > 1 && !self.config.recursive_version_locations {
            return Err(refused(
                "in a sub-folder, where retort does not look for revisions; \
                 set recursive_version_locations = true or drop the '/'"
                    .into(),
            ));
        }
        if !super::load::is_revision_file_name(parts.last().copied().unwrap_or_default()) {
            return Err(refused(
                "which retort skips as a hidden file (it starts with '.'); start the name with a token or a letter".into(),
            ));
        }
        Ok(())
    }

    /// The error for a file that a post-write hook left unusable.
    fn hook_broke(&self, path: &Path, err: impl std::fmt::Display) -> ScriptError {
        let names: Vec<&str> = self
            .config
            .post_write_hooks
            .iter()
            .map(|h| h.name.as_str())
            .collect();
        ScriptError::Hook {
            name: names.join(", "),
            path: path.to_owned(),
            message: format!(
                "the file it left does not read as a revision ({err}); the new file was removed"
            ),
        }
    }

    fn run_hooks(&self, path: &Path, x_args: &BTreeMap<String, String>) -> Result<(), ScriptError> {
        for hook in &self.config.post_write_hooks {
            let fail = |message: String| ScriptError::Hook {
                name: hook.name.clone(),
                path: path.to_owned(),
                message,
            };
            let argv = hook.command.argv(path).map_err(fail)?;
            let Some((program, args)) = argv.split_first() else {
                return Err(fail("its command is empty".into()));
            };
            let mut cmd = std::process::Command::new(program);
            cmd.args(args);
            for (k, v) in x_args {
                cmd.env(format!("RETORT_X_{}", k.to_uppercase()), v);
            }
            let out = cmd
                .output()
                .map_err(|e| fail(format!("cannot run {program:?}: {e}")))?;
            if !out.status.success() {
                return Err(fail(format!(
                    "{program:?} exited with {}: {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
        Ok(())
    }
}

/// The longest revision id: the version table's `version_num` is
/// `VARCHAR(32)`, as Alembic's.
pub const MAX_REVISION_ID_LEN: usize = 32;

/// A `--rev-id` the new revision can have: a valid id, that fits the
/// version table, and that gives a file the loader reads (not hidden).
fn check_rev_id(id: &str) -> Result<RevisionId, ScriptError> {
    let refused = |m: String| ScriptError::Refused(format!("--rev-id {id:?}: {m}"));
    let parsed = RevisionId::parse(id).map_err(refused)?;
    let len = id.chars().count();
    if len > MAX_REVISION_ID_LEN {
        return Err(refused(format!(
            "{len} characters is too long; the version table's version_num column holds {MAX_REVISION_ID_LEN} \
             (VARCHAR({MAX_REVISION_ID_LEN}), as Alembic's): choose a shorter id"
        )));
    }
    if id.starts_with('.') {
        return Err(refused(
            "an id starting with '.' makes a hidden file, which retort does not read as a revision; \
             start it with a letter or digit"
                .into(),
        ));
    }
    Ok(parsed)
}

/// The rendered file must say what was asked: a template that drops the
/// parents or labels would silently change the graph.
fn check_rendered(
    written: &Revision,
    new: &NewRevision,
    template: &Path,
) -> Result<(), ScriptError> {
    let problem = if written.id != new.id {
        Some("the `revision` key")
    } else if written.down_revisions != new.down_revisions {
        Some("the `down_revision` key")
    } else if written.branch_labels != new.branch_labels {
        Some("the `branch_labels` key")
    } else if written.depends_on != new.depends_on {
        Some("the `depends_on` key")
    } else if !same_operations(&written.upgrade, &new.upgrade) {
        Some("the upgrade operations (`upgrades`)")
    } else if !same_operations(&written.downgrade, &new.downgrade) {
        Some("the downgrade operations (`downgrades`)")
    } else {
        None
    };
    match problem {
        Some(what) => Err(ScriptError::Template {
            path: template.to_owned(),
            message: format!(
                "the rendered file does not carry {what} of the new revision; make the template write it"
            ),
        }),
        None => Ok(()),
    }
}

/// True when the file carries the operations asked for, exactly: a
/// database without operations is written as none. With none asked for, the
/// template may write what it likes.
fn same_operations(written: &Operations, asked: &Operations) -> bool {
    fn lists(ops: &Operations) -> Vec<(Option<&str>, &[toml::Table])> {
        match ops {
            Operations::None => Vec::new(),
            Operations::List(list) => vec![(None, list.as_slice())],
            Operations::PerDatabase(dbs) => dbs
                .iter()
                .map(|(db, list)| (Some(db.as_str()), list.as_slice()))
                .collect(),
        }
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .collect()
    }
    asked.is_empty() || lists(written) == lists(asked)
}

fn write_new_file(path: &Path, text: &str) -> Result<(), ScriptError> {
    use std::io::Write;
    let io = |source| ScriptError::Io {
        path: path.to_owned(),
        source,
    };
    // A `file_template` with a sub-folder (`{year}/{rev}`).
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)
}

/// A path made absolute and cleaned of `.` and `..`, for comparing locations.
fn normalize(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_owned()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
