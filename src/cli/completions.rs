//! Packaging helpers of the `retort` binary: shell completion scripts
//! (`retort completions SHELL`), man pages (`retort generate-man DIR`) and
//! the Markdown reference of the command line (`retort
//! generate-cli-reference`, checked in as `docs/reference/cli.md`), all
//! generated from the clap definition, so they always match `--help`.
//!
//! They belong to the binary only: an application that mounts the command
//! set ([`super::DbCommand`]) generates its own from its own command with
//! `clap_complete` and `clap_mangen`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

/// Arguments of `retort completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print the completion script for.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Arguments of `retort generate-man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write the pages in (created when missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Arguments of `retort generate-cli-reference`.
#[derive(Debug, Args)]
pub struct CliReferenceArgs {
    /// Print one line per command, argument and option (`retort upgrade
    /// --sql`; global options as `retort --directory`) instead of the page,
    /// for the test that checks the page names each of them.
    #[arg(long)]
    pub list: bool,
}

/// Prints the completion script of `args.shell` for the `retort` binary.
pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut cmd = Cli::command();
    // clap_complete wants a sized writer.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "retort", &mut script);
    out.write_all(&script)?;
    Ok(())
}

/// Writes `retort.1` and one page per command (`retort-upgrade.1`, ...) in
/// `args.dir`, printing each path written.
pub fn generate_man(args: &ManArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    // As clap_mangen::generate_to: built, so that subcommands carry the
    // global options and their `retort-NAME` display names; no `help`.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut written = Vec::new();
    write_pages(&cmd, &args.dir, &mut written)?;
    for path in written {
        writeln!(out, "{}", path.display())?;
    }
    Ok(())
}

/// The page of `cmd`, then those of its visible subcommands.
fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    let path = dir.join(man.get_filename());
    let mut page = Vec::new();
    man.render(&mut page)?;
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

/// The built command of the binary, as the reference describes it: global
/// options propagated, no `help` subcommand.
fn built_cli() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// Prints `docs/reference/cli.md` (or, with `--list`, the names it must
/// hold): every visible command, with its about, usage, arguments and
/// options; the global options once.
pub fn cli_reference(args: &CliReferenceArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let cmd = built_cli();
    let globals: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().clone())
        .collect();
    let page = if args.list {
        let mut lines = Vec::new();
        for arg in visible_args(&cmd, &globals, true) {
            lines.push(format!("retort {}", arg_key(arg)));
        }
        list_commands(&cmd, "retort", &globals, &mut lines);
        lines.join("\n") + "\n"
    } else {
        render_page(&cmd, &globals)
    };
    out.write_all(page.as_bytes())?;
    Ok(())
}

/// The visible subcommands of `cmd`, in definition order.
fn visible_subcommands(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands().filter(|s| !s.is_hide_set())
}

/// The visible arguments of `cmd`: the global ones only (`global`) or its
/// own only, `--help` and `--version` aside.
fn visible_args<'a>(
    cmd: &'a clap::Command,
    globals: &'a [clap::Id],
    global: bool,
) -> impl Iterator<Item = &'a clap::Arg> {
    cmd.get_arguments().filter(move |a| {
        !a.is_hide_set()
            && globals.contains(a.get_id()) == global
            && !matches!(a.get_id().as_str(), "help" | "version")
    })
}

/// What names an argument in `--list`: `--long`, `-s`, or the positional's
/// value name.
fn arg_key(arg: &clap::Arg) -> String {
    if let Some(long) = arg.get_long() {
        format!("--{long}")
    } else if let Some(short) = arg.get_short() {
        format!("-{short}")
    } else {
        value_names(arg)
    }
}

fn value_names(arg: &clap::Arg) -> String {
    match arg.get_value_names() {
        Some(names) => names
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => arg.get_id().as_str().to_uppercase(),
    }
}

/// The `--list` lines of `cmd`'s subcommands, recursively.
fn list_commands(cmd: &clap::Command, path: &str, globals: &[clap::Id], lines: &mut Vec<String>) {
    for sub in visible_subcommands(cmd) {
        let path = format!("{path} {}", sub.get_name());
        lines.push(path.clone());
        for arg in visible_args(sub, globals, false) {
            lines.push(format!("{path} {}", arg_key(arg)));
        }
        list_commands(sub, &path, globals, lines);
    }
}

/// The whole page.
fn render_page(cmd: &clap::Command, globals: &[clap::Id]) -> String {
    let mut page = String::new();
    page.push_str("# Command-line reference\n\n");
    page.push_str(
        "This page is generated from the definition of the command line by\n\
         `retort generate-cli-reference`; a test fails when it differs from\n\
         what the binary prints, so it lists every command and option of\n\
         this version. Do not edit it: change the help texts in `src/cli/`\n\
         and run `RETORT_DOCS_BLESS=1 cargo nextest run --test integration\n\
         -E 'test(/reference::/)'`. `retort help COMMAND` and `retort\n\
         COMMAND --help` print the same texts; exit codes are in\n\
         [exit-codes.md](exit-codes.md), JSON outputs in\n\
         [../json-output.md](../json-output.md). The hidden packaging\n\
         helpers (`generate-man DIR`, which writes the man pages, and\n\
         `generate-cli-reference`, which prints this page) are left out.\n\n",
    );
    page.push_str("## Usage\n\n");
    for line in usage_lines(cmd) {
        page.push_str(&format!("`{line}`\n\n"));
    }
    page.push_str("Commands:\n\n");
    for sub in visible_subcommands(cmd) {
        page.push_str(&format!(
            "- [`{name}`](#retort-{name}): {about}\n",
            name = sub.get_name(),
            about = sentence(&first_line(sub.get_about()))
        ));
    }
    page.push_str(
        "\n## Global options\n\n\
         These are accepted before or after the command: `retort -d db\n\
         upgrade` and `retort upgrade -d db` are the same. Every command\n\
         also takes `-h`, `--help` (print help; `-h` a summary).\n\n",
    );
    for arg in visible_args(cmd, globals, true) {
        page.push_str(&render_arg(arg));
    }
    page.push_str("- `-V`, `--version`: Print the version (before the command only).\n");
    render_commands(cmd, "retort", globals, &mut page);
    page.push_str(&format!(
        "\n## Version\n\nThis page describes:\n\n```console\n$ retort --version\nretort {}\n```\n",
        env!("CARGO_PKG_VERSION")
    ));
    page
}

/// The sections of `cmd`'s subcommands, recursively.
fn render_commands(cmd: &clap::Command, path: &str, globals: &[clap::Id], page: &mut String) {
    for sub in visible_subcommands(cmd) {
        let path = format!("{path} {}", sub.get_name());
        page.push_str(&format!("\n## `{path}`\n\n"));
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        page.push_str(&paragraphs(&about));
        let aliases: Vec<&str> = sub.get_visible_aliases().collect();
        if !aliases.is_empty() {
            page.push_str(&format!("Aliases: {}.\n\n", code_list(&aliases)));
        }
        for line in usage_lines(sub) {
            page.push_str(&format!("Usage: `{line}`\n\n"));
        }
        let (positionals, options): (Vec<&clap::Arg>, Vec<&clap::Arg>) =
            visible_args(sub, globals, false).partition(|a| a.is_positional());
        if !positionals.is_empty() {
            page.push_str("Arguments:\n\n");
            for arg in positionals {
                page.push_str(&render_arg(arg));
            }
            page.push('\n');
        }
        if !options.is_empty() {
            page.push_str("Options:\n\n");
            for arg in options {
                page.push_str(&render_arg(arg));
            }
            page.push('\n');
        }
        page.push_str("And the [global options](#global-options).\n");
        render_commands(sub, &path, globals, page);
    }
}

/// The usage lines of `cmd`, without `Usage:`.
fn usage_lines(cmd: &clap::Command) -> Vec<String> {
    let mut cmd = cmd.clone();
    let usage = cmd.render_usage().to_string();
    usage
        .lines()
        .map(|l| l.trim())
        .map(|l| l.strip_prefix("Usage:").unwrap_or(l).trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// One argument as a list item: its names, help, values, default, env.
fn render_arg(arg: &clap::Arg) -> String {
    let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values())
        && !matches!(
            arg.get_action(),
            clap::ArgAction::SetTrue
                | clap::ArgAction::SetFalse
                | clap::ArgAction::Count
                | clap::ArgAction::Help
                | clap::ArgAction::HelpShort
                | clap::ArgAction::HelpLong
                | clap::ArgAction::Version
        );
    let name = if arg.is_positional() {
        let names = value_names(arg);
        let multiple = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let dots = if multiple { "..." } else { "" };
        if arg.is_required_set() {
            format!("`<{names}>{dots}`")
        } else {
            format!("`[{names}]{dots}`")
        }
    } else {
        let value = if takes_value {
            let names = arg
                .get_value_names()
                .map(|ns| {
                    ns.iter()
                        .map(|n| format!("<{n}>"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_else(|| format!("<{}>", arg.get_id().as_str().to_uppercase()));
            format!(" {names}")
        } else {
            String::new()
        };
        let mut names = Vec::new();
        if let Some(short) = arg.get_short() {
            names.push(format!("`-{short}`"));
        }
        if let Some(long) = arg.get_long() {
            names.push(format!("`--{long}{value}`"));
        }
        names.join(", ")
    };
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    // Paragraphs after the first stay in the list item.
    let help = sentence(help.trim()).replace("\n\n", "\n\n  ");
    let mut text = format!("- {name}: {help}");
    let mut extra = Vec::new();
    if arg.is_required_set() && !arg.is_positional() {
        extra.push("Required.".to_owned());
    }
    let aliases: Vec<String> = arg
        .get_visible_aliases()
        .unwrap_or_default()
        .into_iter()
        .map(|a| format!("--{a}"))
        .collect();
    if !aliases.is_empty() {
        let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
        extra.push(format!("Alias: {}.", code_list(&aliases)));
    }
    if let Some(env) = arg.get_env() {
        extra.push(format!("Environment: `{}`.", env.to_string_lossy()));
    }
    if takes_value && arg.get_action().takes_values() {
        if matches!(arg.get_action(), clap::ArgAction::Append)
            && !arg.is_positional()
            && !help.contains("repeatable")
        {
            extra.push("Repeatable.".to_owned());
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() {
            let defaults: Vec<&str> = defaults.iter().map(String::as_str).collect();
            extra.push(format!("Default: {}.", code_list(&defaults)));
        }
    }
    if !extra.is_empty() {
        text.push(' ');
        text.push_str(&extra.join(" "));
    }
    text.push('\n');
    let values: Vec<clap::builder::PossibleValue> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    if takes_value && !values.is_empty() {
        text.push_str("  Values:\n");
        for v in values {
            match v.get_help() {
                Some(help) => text.push_str(&format!(
                    "  - `{}`: {}\n",
                    v.get_name(),
                    sentence(&help.to_string())
                )),
                None => text.push_str(&format!("  - `{}`\n", v.get_name())),
            }
        }
    }
    text
}

/// `a`, `b` and `c` as code.
fn code_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first line of a styled text.
fn first_line(text: Option<&clap::builder::StyledStr>) -> String {
    text.map(|t| t.to_string().lines().next().unwrap_or("").to_owned())
        .unwrap_or_default()
}

/// `text` ending with a period (help texts are written without one).
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.is_empty() || text.ends_with(['.', '!', '?', ':']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// A long help as Markdown paragraphs: one per blank-line-separated block,
/// each block's lines kept, ending in a blank line.
fn paragraphs(text: &str) -> String {
    let mut out = String::new();
    for block in text.split("\n\n") {
        let block = block.trim();
        if !block.is_empty() {
            out.push_str(&sentence(block));
            out.push_str("\n\n");
        }
    }
    out
}
