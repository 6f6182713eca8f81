//! Commands that write to the migrations folder: `init`, `list_templates`,
//! `revision`, `migrate` (autogenerate), `merge` and `edit`.

use std::path::{Path, PathBuf};

use retort_core::script::{self, Depth, ProjectTemplate, RevisionOptions, TEMPLATES};

use super::{Error, PendingChange, Result, Retort};

/// What `revision` / `migrate` are asked for (the command line's flags).
#[derive(Clone, Debug, Default)]
pub struct RevisionRequest {
    /// The message (`-m`); Alembic's "empty message" when absent.
    pub message: Option<String>,
    /// Fill the revision with the changes between each database and its
    /// target schema (`--autogenerate`).
    pub autogenerate: bool,
    /// The revision to base it on (`--head`, default `head`); `base` starts
    /// a new base.
    pub head: Option<String>,
    /// Allow a `head` that is not a head, starting a new branch (`--splice`).
    pub splice: bool,
    /// Branch labels for the new revision (`--branch-label`).
    pub branch_labels: Vec<String>,
    /// The version location to write the file in (`--version-path`).
    pub version_path: Option<PathBuf>,
    /// The new revision's id instead of a random one (`--rev-id`).
    pub rev_id: Option<String>,
    /// Revisions or branch labels the new revision depends on
    /// (`--depends-on`).
    pub depends_on: Vec<String>,
}

impl RevisionRequest {
    /// A request for a revision with this message and nothing else set.
    pub fn with_message(message: impl Into<String>) -> RevisionRequest {
        RevisionRequest {
            message: Some(message.into()),
            ..RevisionRequest::default()
        }
    }
}

/// What `merge` is asked for, besides the revisions to join.
#[derive(Clone, Debug, Default)]
pub struct MergeRequest {
    /// The message (`-m`).
    pub message: Option<String>,
    /// Branch labels for the merge revision (`--branch-label`).
    pub branch_labels: Vec<String>,
    /// The merge revision's id instead of a random one (`--rev-id`).
    pub rev_id: Option<String>,
    /// Allow revisions that are not heads (`--splice`), as Alembic's
    /// `merge --splice`: the merge revision starts a new branch from them.
    pub splice: bool,
}

/// A revision file `revision`, `migrate` or `merge` wrote.
#[derive(Clone, Debug)]
pub struct GeneratedRevision {
    /// The new file.
    pub path: PathBuf,
    /// What autogenerate put in it (empty otherwise).
    pub changes: Vec<PendingChange>,
}

impl Retort {
    /// `init`: writes a new migrations folder from the built-in template
    /// `template` (see [`Retort::list_templates`]), and a `.gitignore` in
    /// the current folder for the template's local SQLite databases and
    /// retort's lock files (or the lines an existing one lacks); returns
    /// the files and folders created or changed. Refuses a folder that
    /// exists and is not empty.
    pub fn init(&self, template: &str) -> Result<Vec<PathBuf>> {
        self.writable("init")?;
        let template = script::template(template)?;
        let mut written = script::init_project(self.directory(), template)?;
        // The template's SQLite URLs are relative to the folder retort
        // runs in: that folder's .gitignore covers them.
        if let Some(ignore) = script::ignore_local_files(Path::new(""), template)? {
            written.push(ignore);
        }
        Ok(written)
    }

    /// `list-templates`: the templates `init` can use.
    pub fn list_templates() -> &'static [ProjectTemplate] {
        TEMPLATES
    }

    /// `revision`: writes a new revision file (empty, or with
    /// `autogenerate` the changes between each database and its target
    /// schema) and returns its path.
    pub fn revision(&self, request: &RevisionRequest) -> Result<GeneratedRevision> {
        self.writable(if request.autogenerate {
            "migrate"
        } else {
            "revision"
        })?;
        let mut dir = self.script_directory(Depth::Full)?;
        let (upgrade, downgrade, changes) = if request.autogenerate {
            self.autogenerate(&dir)?
        } else {
            Default::default()
        };
        let path = dir.generate_revision(RevisionOptions {
            upgrade,
            downgrade,
            message: request.message.clone(),
            heads: request.head.iter().cloned().collect(),
            splice: request.splice,
            branch_labels: request.branch_labels.clone(),
            version_path: request.version_path.clone(),
            rev_id: request.rev_id.clone(),
            depends_on: request.depends_on.clone(),
            x_args: self.x_args(),
            ..RevisionOptions::default()
        })?;
        Ok(GeneratedRevision { path, changes })
    }

    /// `migrate`: `revision` with autogenerate on.
    pub fn migrate(&self, request: &RevisionRequest) -> Result<GeneratedRevision> {
        self.revision(&RevisionRequest {
            autogenerate: true,
            ..request.clone()
        })
    }

    /// `merge`: writes a revision whose parents are the heads `revisions`
    /// name (`heads` names them all; any revision with `splice`); at least
    /// two are needed.
    pub fn merge(&self, revisions: &[&str], request: &MergeRequest) -> Result<GeneratedRevision> {
        self.writable("merge")?;
        let mut dir = self.script_directory(Depth::Full)?;
        let mut parents = Vec::new();
        for expr in revisions {
            for rev in dir.graph.resolve(expr)? {
                if !request.splice && !dir.graph.is_head(&rev.id) {
                    return Err(Error::MergeNotAHead {
                        revision: rev.id.to_string(),
                    });
                }
                if !parents.contains(&rev.id) {
                    parents.push(rev.id.clone());
                }
            }
        }
        if parents.len() < 2 {
            return Err(Error::MergeNeedsTwo {
                given: revisions.join(" "),
                named: parents
                    .first()
                    .map_or("none".to_owned(), |p| format!("only {p}")),
            });
        }
        let path = dir.generate_revision(RevisionOptions {
            message: request.message.clone(),
            heads: parents.iter().map(|p| p.to_string()).collect(),
            splice: request.splice,
            branch_labels: request.branch_labels.clone(),
            rev_id: request.rev_id.clone(),
            x_args: self.x_args(),
            ..RevisionOptions::default()
        })?;
        Ok(GeneratedRevision {
            path,
            changes: Vec::new(),
        })
    }

    /// `edit`: opens the file of each revision `expr` names in `editor` (a
    /// command with arguments, split into words as a POSIX shell would, so
    /// `code --wait` and quoted paths work; `None`: `$VISUAL`, else
    /// `$EDITOR`), waits for it, and checks that the edited file still
    /// reads. Returns the files edited.
    pub fn edit(&self, expr: &str, editor: Option<&str>) -> Result<Vec<PathBuf>> {
        self.writable("edit")?;
        let dir = self.script_directory(Depth::Full)?;
        let revisions = dir.graph.resolve(expr)?;
        if revisions.is_empty() {
            return Err(Error::NoRevisionFiles {
                expr: expr.to_owned(),
            });
        }
        let from_environment = editor.is_none();
        let (editor, from) = match editor {
            Some(e) => (e.to_owned(), "the editor argument".to_owned()),
            None => ["VISUAL", "EDITOR"]
                .iter()
                .find_map(|v| {
                    let value = std::env::var(v).ok().filter(|e| !e.trim().is_empty())?;
                    Some((value, format!("${v}")))
                })
                .or_else(|| default_editor().map(|e| (e, "PATH".to_owned())))
                .ok_or(Error::NoEditor)?,
        };
        // The default editor is a path found on PATH, one word however it
        // is spelled; a command is split as a shell would.
        let words = if from == "PATH" {
            vec![editor.clone()]
        } else {
            shell_words::split(&editor).map_err(|e| Error::EditorCommand {
                editor: editor.clone(),
                from: from.clone(),
                message: e.to_string(),
            })?
        };
        let Some((program, args)) = words.split_first() else {
            return Err(Error::EditorCommand {
                editor: editor.clone(),
                from,
                message: "it names no program".to_owned(),
            });
        };
        let mut edited = Vec::new();
        for rev in revisions {
            let status = std::process::Command::new(program)
                .args(args)
                .arg(&rev.path)
                .status()
                .map_err(|source| Error::EditorStart {
                    editor: editor.clone(),
                    from_environment,
                    source,
                })?;
            if !status.success() {
                return Err(Error::EditorFailed {
                    editor: editor.clone(),
                    status,
                    path: rev.path.clone(),
                });
            }
            script::read_revision_file(&rev.path).map_err(|source| Error::Edited {
                revision: rev.id.to_string(),
                source,
            })?;
            edited.push(rev.path.clone());
        }
        Ok(edited)
    }
}

/// The editors `edit` tries, in order, when neither `$VISUAL` nor
/// `$EDITOR` is set (as Alembic does).
pub const DEFAULT_EDITORS: &[&str] = if cfg!(windows) {
    &["code.exe", "notepad++.exe", "notepad.exe"]
} else {
    &["sensible-editor", "editor", "nano", "vim", "vi", "code"]
};

/// The first of [`DEFAULT_EDITORS`] found on `PATH`.
fn default_editor() -> Option<String> {
    let path = std::env::var_os("PATH")?;
    DEFAULT_EDITORS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
            .map(|found| found.to_string_lossy().into_owned())
    })
}
