//! Commands that write to the migrations folder: `init`, `list-templates`,
//! `revision`, `merge` and `edit`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use retort_core::script::{self, RevisionOptions, TEMPLATES};

use super::GlobalOptions;
use super::project::Project;
use retort_core::script::Depth;

/// `retort init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Use the multi-database template (same as --template multidb).
    #[arg(short = 'm', long = "multidb", visible_alias = "multi")]
    pub multidb: bool,
    /// The template to use (see list-templates).
    #[arg(short = 't', long, value_name = "NAME", conflicts_with = "multidb")]
    pub template: Option<String>,
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
}

/// `retort edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The revision to edit.
    #[arg(value_name = "REV")]
    pub revision: String,
}

/// `retort init`: writes a new migrations folder from a template.
pub fn init(g: &GlobalOptions, args: &InitArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let name = match (&args.template, args.multidb) {
        (Some(t), _) => t.as_str(),
        (None, true) => "multidb",
        (None, false) => "generic",
    };
    let template = script::template(name)?;
    let project = Project::from_options(g);
    let written = script::init_project(&project.dir, template)?;
    if !g.quiet {
        for path in &written {
            writeln!(out, "Creating {} ... done", path.display())?;
        }
        writeln!(
            out,
            "Please edit {} before proceeding.",
            project.dir.join("retort.toml").display()
        )?;
    }
    Ok(())
}

/// `retort list-templates`.
pub fn list_templates(out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "Available templates:\n")?;
    for t in TEMPLATES {
        writeln!(out, "{} - {}", t.name, t.description)?;
    }
    writeln!(
        out,
        "\nTemplates are used via the 'init' command, e.g.:\n\n  retort -d ./migrations init --template generic"
    )?;
    Ok(())
}

/// `retort revision`: writes a new, empty revision file.
pub fn revision(g: &GlobalOptions, args: &RevisionArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut dir = Project::from_options(g).load(Depth::Full)?;
    let (upgrade, downgrade) = if args.autogenerate {
        super::autogen_cmds::operations(g, &dir)?
    } else {
        Default::default()
    };
    let path = dir.generate_revision(RevisionOptions {
        upgrade,
        downgrade,
        message: args.message.clone(),
        heads: args.head.iter().cloned().collect(),
        splice: args.splice,
        branch_labels: args.branch_label.clone(),
        version_path: args.version_path.clone(),
        rev_id: args.rev_id.clone(),
        depends_on: args.depends_on.clone(),
        x_args: g.x.iter().cloned().collect(),
        ..RevisionOptions::default()
    })?;
    if !g.quiet {
        writeln!(out, "Generating {} ... done", path.display())?;
    }
    Ok(())
}

/// `retort migrate`: `revision --autogenerate`.
pub fn migrate(g: &GlobalOptions, args: &RevisionArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let args = RevisionArgs {
        autogenerate: true,
        ..args.clone()
    };
    revision(g, &args, out)
}

/// `retort merge`: writes a revision whose parents are the given revisions.
pub fn merge(g: &GlobalOptions, args: &MergeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut dir = Project::from_options(g).load(Depth::Full)?;
    let mut parents = Vec::new();
    for expr in &args.revisions {
        for rev in dir.graph.resolve(expr)? {
            if !dir.graph.is_head(&rev.id) {
                bail!(
                    "revision {} is not a head; merge joins heads (see `retort heads`), or use `revision --head {} --splice` to branch from it",
                    rev.id,
                    rev.id
                );
            }
            if !parents.contains(&rev.id) {
                parents.push(rev.id.clone());
            }
        }
    }
    if parents.len() < 2 {
        let named = parents
            .first()
            .map_or("none".to_owned(), |p| format!("only {p}"));
        bail!(
            "merge needs at least two revisions to join, but {} names {named}; give two or more heads, or `heads`",
            args.revisions.join(" ")
        );
    }
    let path = dir.generate_revision(RevisionOptions {
        message: args.message.clone(),
        heads: parents.iter().map(|p| p.to_string()).collect(),
        branch_labels: args.branch_label.clone(),
        rev_id: args.rev_id.clone(),
        x_args: g.x.iter().cloned().collect(),
        ..RevisionOptions::default()
    })?;
    if !g.quiet {
        writeln!(out, "Generating {} ... done", path.display())?;
    }
    Ok(())
}

/// `retort edit REV`: opens the revision's file in `$VISUAL` or `$EDITOR`,
/// then checks that the edited file still reads.
pub fn edit(g: &GlobalOptions, args: &EditArgs) -> anyhow::Result<()> {
    let dir = Project::from_options(g).load(Depth::Full)?;
    let revisions = dir.graph.resolve(&args.revision)?;
    if revisions.is_empty() {
        bail!("no revision files indicated by symbol {:?}", args.revision);
    }
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .context(
            "no editor configured: set the VISUAL or EDITOR environment variable, e.g. EDITOR=vi",
        )?;
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or_default();
    for rev in revisions {
        let status = std::process::Command::new(program)
            .args(words.clone())
            .arg(&rev.path)
            .status()
            .with_context(|| {
                format!("cannot start the editor {editor:?} (from $VISUAL/$EDITOR)")
            })?;
        if !status.success() {
            bail!(
                "the editor {editor:?} exited with {status} while editing {}",
                rev.path.display()
            );
        }
        script::read_revision_file(&rev.path)
            .with_context(|| format!("the edited revision {} no longer reads", rev.id))?;
    }
    Ok(())
}
