//! Commands that write to the migrations folder: `init`, `list-templates`,
//! `revision`, `merge` and `edit`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::api::{MergeRequest, Retort, RevisionRequest};

/// `retort init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Use the multi-database template (same as --template multidb).
    #[arg(short = 'm', long = "multidb", visible_alias = "multi")]
    pub multidb: bool,
    /// The template to use (see list-templates).
    #[arg(short = 't', long, value_name = "NAME", conflicts_with = "multidb")]
    pub template: Option<String>,
    /// The folder to create (as `alembic init DIR`; default: -d, else
    /// `migrations`).
    #[arg(id = "init_directory", value_name = "DIR")]
    pub directory: Option<PathBuf>,
}

/// `retort revision`.
#[derive(Clone, Debug, Args)]
pub struct RevisionArgs {
    /// The message of the new revision.
    #[arg(short = 'm', long = "message", value_name = "MSG")]
    pub message: Option<String>,
    /// Fill the revision with the changes between the database and the models.
    #[arg(long)]
    pub autogenerate: bool,
    /// The revision to base it on (default: head); `base` starts a new base.
    #[arg(long, value_name = "HEAD")]
    pub head: Option<String>,
    /// Allow a --head that is not a head, starting a new branch.
    #[arg(long)]
    pub splice: bool,
    /// A branch label for the new revision.
    #[arg(long = "branch-label", value_name = "LABEL")]
    pub branch_label: Vec<String>,
    /// The version location to write the file in.
    #[arg(long = "version-path", value_name = "PATH")]
    pub version_path: Option<PathBuf>,
    /// The id of the new revision instead of a random one.
    #[arg(long = "rev-id", value_name = "ID")]
    pub rev_id: Option<String>,
    /// A revision (or branch label) the new revision depends on (repeatable).
    #[arg(long = "depends-on", value_name = "REV")]
    pub depends_on: Vec<String>,
    /// Also print the new revision's upgrade SQL (as `upgrade --sql`) on
    /// stdout, for review; the file is written as usual.
    #[arg(long)]
    pub sql: bool,
}

/// `retort merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The revisions to merge (or `heads`).
    #[arg(required = true, value_name = "REVS")]
    pub revisions: Vec<String>,
    /// The message of the merge revision.
    #[arg(short = 'm', long = "message", value_name = "MSG")]
    pub message: Option<String>,
    /// A branch label for the merge revision.
    #[arg(long = "branch-label", value_name = "LABEL")]
    pub branch_label: Vec<String>,
    /// The id of the merge revision instead of a random one.
    #[arg(long = "rev-id", value_name = "ID")]
    pub rev_id: Option<String>,
    /// Allow revisions that are not heads (the merge starts a new branch).
    #[arg(long)]
    pub splice: bool,
}

/// `retort edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The revision to edit.
    #[arg(value_name = "REV")]
    pub revision: String,
}

/// `retort init`: writes a new migrations folder from a template.
pub fn init(r: &Retort, args: &InitArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let name = match (&args.template, args.multidb) {
        (Some(t), _) => t.as_str(),
        (None, true) => "multidb",
        (None, false) => "generic",
    };
    let in_dir;
    let r = match &args.directory {
        Some(dir) => {
            in_dir = r.in_directory(dir);
            &in_dir
        }
        None => r,
    };
    let written = r.init(name)?;
    if !r.is_quiet() {
        for path in &written {
            writeln!(out, "Creating {} ... done", path.display())?;
        }
        writeln!(
            out,
            "Please edit {} before proceeding.",
            r.config_path().display()
        )?;
    }
    Ok(())
}

/// `retort list-templates`.
pub fn list_templates(out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "Available templates:\n")?;
    for t in Retort::list_templates() {
        writeln!(out, "{} - {}", t.name, t.description)?;
    }
    writeln!(
        out,
        "\nTemplates are used via the 'init' command, e.g.:\n\n  retort -d ./migrations init --template generic"
    )?;
    Ok(())
}

impl RevisionArgs {
    fn request(&self) -> RevisionRequest {
        RevisionRequest {
            message: self.message.clone(),
            autogenerate: self.autogenerate,
            head: self.head.clone(),
            splice: self.splice,
            branch_labels: self.branch_label.clone(),
            version_path: self.version_path.clone(),
            rev_id: self.rev_id.clone(),
            depends_on: self.depends_on.clone(),
        }
    }
}

fn generated(r: &Retort, path: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    if !r.is_quiet() {
        writeln!(out, "Generating {} ... done", path.display())?;
    }
    Ok(())
}

/// After `revision --sql` / `migrate --sql`: the line that names the new
/// file goes to stderr, and the new revision's upgrade SQL to stdout.
fn generated_with_sql(r: &Retort, path: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    let id = retort_core::script::read_revision_file(path)?.id;
    // The SQL is rendered whole before any of it is written; when it
    // cannot be, the new file goes too: the command does both or neither.
    let mut sql = Vec::new();
    if let Err(e) = r.revision_sql(&id, &mut sql) {
        let _ = std::fs::remove_file(path);
        return Err(anyhow::Error::new(e).context(format!(
            "{} was not written: its SQL cannot be shown offline; run the command without --sql to write it, then `upgrade` it on a database",
            path.display()
        )));
    }
    if !r.is_quiet() {
        eprintln!("Generating {} ... done", path.display());
    }
    out.write_all(&sql)?;
    Ok(())
}

/// `retort revision`: writes a new revision file.
pub fn revision(r: &Retort, args: &RevisionArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let new = r.revision(&args.request())?;
    if args.sql {
        return generated_with_sql(r, &new.path, out);
    }
    generated(r, &new.path, out)
}

/// `retort migrate`: `revision --autogenerate`.
pub fn migrate(r: &Retort, args: &RevisionArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let new = r.migrate(&args.request())?;
    if args.sql {
        return generated_with_sql(r, &new.path, out);
    }
    generated(r, &new.path, out)
}

/// `retort merge`: writes a revision whose parents are the given revisions.
pub fn merge(r: &Retort, args: &MergeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let revisions: Vec<&str> = args.revisions.iter().map(String::as_str).collect();
    let request = MergeRequest {
        message: args.message.clone(),
        branch_labels: args.branch_label.clone(),
        rev_id: args.rev_id.clone(),
        splice: args.splice,
    };
    let new = r.merge(&revisions, &request)?;
    generated(r, &new.path, out)
}

/// `retort edit REV`: opens the revision's file in `$VISUAL` or `$EDITOR`,
/// then checks that the edited file still reads.
pub fn edit(r: &Retort, args: &EditArgs) -> anyhow::Result<()> {
    r.edit(&args.revision, None)?;
    Ok(())
}
