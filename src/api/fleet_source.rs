//! Where a fleet's databases come from (`--fleet SOURCE`):
//!
//! - a file of URLs, one a line (`#` comments and blank lines ignored), each
//!   optionally preceded by a name (`tenant_7 postgresql://...`), and each
//!   expanded as below;
//! - a glob of SQLite files: `sqlite:///tenants/*.db` (`*`, `?`, `[...]`
//!   and `**` in the path);
//! - the schemas of one PostgreSQL database whose names match a pattern:
//!   `postgresql://app@db/prod?schemas=tenant_*` (schema per tenant: each
//!   run's `search_path` and `version_table_schema` are the tenant's
//!   schema), or the databases of a MySQL/MariaDB server:
//!   `mysql://app@db/?schemas=tenant_*`. Patterns take `*` and `?`; several
//!   are separated by commas;
//! - any other URL: that one database.

use std::path::Path;

use retort_db::{DatabaseUrl, DialectName};

use super::{Error, Result};

/// One database of a fleet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetMember {
    /// The name its result line shows: the file's stem (SQLite), the
    /// schema (schema per tenant), the database name, or the name given in
    /// the URL file.
    pub name: String,
    /// Its URL (`Display` hides the password). A schema-per-tenant member's
    /// URL sets `search_path` to the schema (the `options` parameter).
    pub url: DatabaseUrl,
    /// The schema of a schema-per-tenant member: its version table, log
    /// table and lock live there, and `search_path` names it.
    pub schema: Option<String>,
}

impl FleetMember {
    /// A member for `url`, named after its file or database.
    pub fn new(url: DatabaseUrl) -> FleetMember {
        let name = default_name(&url);
        FleetMember {
            name,
            url,
            schema: None,
        }
    }

    /// The database part: the SQLite file, or the database on the server.
    pub fn database(&self) -> Option<String> {
        match self.url.sqlite_path() {
            Some(path) => Some(path.display().to_string()),
            None => self.url.server().and_then(|s| s.database.clone()),
        }
    }
}

fn default_name(url: &DatabaseUrl) -> String {
    if let Some(path) = url.sqlite_path() {
        return path.file_stem().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into(),
        );
    }
    match url.server() {
        Some(server) => server
            .database
            .clone()
            .unwrap_or_else(|| server.host.clone()),
        None => "memory".to_owned(),
    }
}

/// The databases `source` names (see the module documentation).
pub(super) fn discover(source: &str) -> Result<Vec<FleetMember>> {
    let masked = retort_db::url::mask(source);
    let bad = |reason: String| Error::FleetSource {
        fleet: masked.clone(),
        reason,
    };
    let members = if source.contains("://") {
        expand(source)?
    } else {
        let text = std::fs::read_to_string(source)
            .map_err(|e| bad(format!("cannot read the file of URLs: {e}")))?;
        let mut members = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, url) = match line.split_once(char::is_whitespace) {
                Some((name, url)) if !name.contains("://") => (Some(name), url.trim()),
                _ => (None, line),
            };
            let found = expand(url).map_err(|e| {
                bad(format!(
                    "line {}: {}",
                    number + 1,
                    super::fleet::one_line(&e)
                ))
            })?;
            match (name, found.len()) {
                (Some(name), 1) => members.extend(found.into_iter().map(|m| FleetMember {
                    name: name.to_owned(),
                    ..m
                })),
                _ => members.extend(found),
            }
        }
        members
    };
    if members.is_empty() {
        return Err(bad("no database matches".to_owned()));
    }
    Ok(members)
}

/// The members one URL names: a glob, a schema pattern, or itself.
fn expand(raw: &str) -> Result<Vec<FleetMember>> {
    let raw = raw.trim();
    let (scheme, rest) = raw.split_once("://").unwrap_or((raw, ""));
    let is_sqlite = scheme.split('+').next() == Some("sqlite");
    if is_sqlite && rest.contains(['*', '?', '[']) {
        return sqlite_glob(raw, rest.strip_prefix('/').unwrap_or(rest));
    }
    let (base, query) = raw.split_once('?').unwrap_or((raw, ""));
    let mut patterns = None;
    let mut params = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("schemas", value)) => patterns = Some(value.to_owned()),
            _ => params.push(pair.to_owned()),
        }
    }
    let url = parse(raw);
    let Some(patterns) = patterns else {
        return Ok(vec![FleetMember::new(url?)]);
    };
    let with_params = |base: &str, params: &[String]| match params.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{}", params.join("&")),
    };
    let server_raw = with_params(base, &params);
    let server = parse(&server_raw)?;
    let names = list_schemas(&server, &patterns)?;
    let mut members = Vec::new();
    for name in names {
        let member = match server.dialect() {
            DialectName::Postgresql => {
                let (options, others): (Vec<String>, Vec<String>) = params
                    .iter()
                    .cloned()
                    .partition(|p| p.starts_with("options="));
                let mut value = options
                    .first()
                    .map(|o| percent_decode(&o["options=".len()..]) + " ")
                    .unwrap_or_default();
                let ident = format!("\"{}\"", name.replace('"', "\"\""));
                value.push_str("-c search_path=");
                value.push_str(&ident.replace('\\', "\\\\").replace(' ', "\\ "));
                let mut params = others;
                params.push(format!("options={}", percent_encode(&value)));
                let url = parse(&with_params(base, &params))?;
                FleetMember {
                    name: name.clone(),
                    url,
                    schema: Some(name),
                }
            }
            _ => {
                // The database replaces the URL's path.
                let authority_end = base
                    .find("://")
                    .map(|i| i + 3)
                    .and_then(|start| base[start..].find('/').map(|j| start + j))
                    .unwrap_or(base.len());
                let db_base = format!("{}/{}", &base[..authority_end], percent_encode(&name));
                FleetMember::new(parse(&with_params(&db_base, &params))?)
            }
        };
        members.push(member);
    }
    Ok(members)
}

/// `raw` parsed, or a fleet error quoting it (password hidden).
fn parse(raw: &str) -> Result<DatabaseUrl> {
    DatabaseUrl::parse(raw).map_err(|e| Error::FleetSource {
        fleet: e.url,
        reason: format!("not a valid database URL: {}", e.reason),
    })
}

/// The SQLite files `pattern` (the URL's path) matches, in natural order.
fn sqlite_glob(raw: &str, pattern: &str) -> Result<Vec<FleetMember>> {
    let bad = |reason: String| Error::FleetSource {
        fleet: raw.to_owned(),
        reason,
    };
    let paths = glob::glob(pattern).map_err(|e| bad(format!("not a valid glob: {e}")))?;
    let mut files: Vec<String> = Vec::new();
    for path in paths {
        let path = path.map_err(|e| bad(e.to_string()))?;
        if path.is_file() {
            files.push(path.display().to_string());
        }
    }
    files.sort_by_key(|a| natural_key(a));
    files
        .iter()
        .map(|f| {
            let encoded = f.replace('%', "%25").replace('?', "%3F");
            let url = parse(&format!("sqlite:///{encoded}"))?;
            debug_assert_eq!(url.sqlite_path(), Some(Path::new(f)));
            Ok(FleetMember::new(url))
        })
        .collect()
}

/// The schemas (PostgreSQL) or databases (MySQL/MariaDB) on `server` whose
/// names match one of the comma-separated `patterns`, in natural order.
fn list_schemas(server: &DatabaseUrl, patterns: &str) -> Result<Vec<String>> {
    let dialect = server.dialect();
    let likes: Vec<String> = patterns
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let like = like_pattern(&percent_decode(p));
            format!("{{col}} LIKE {} ESCAPE '|'", literal(dialect, &like))
        })
        .collect();
    if likes.is_empty() {
        return Err(Error::FleetSource {
            fleet: server.to_string(),
            reason: "`schemas=` needs a pattern (`schemas=tenant_*`)".to_owned(),
        });
    }
    let (column, sql) = match dialect {
        DialectName::Postgresql => (
            "nspname",
            "SELECT nspname FROM pg_catalog.pg_namespace WHERE ({likes}) \
             AND nspname NOT LIKE 'pg|_%' ESCAPE '|' AND nspname <> 'information_schema'",
        ),
        DialectName::Mysql => (
            "schema_name",
            "SELECT schema_name FROM information_schema.schemata WHERE ({likes}) \
             AND schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')",
        ),
        _ => {
            return Err(Error::FleetSource {
                fleet: server.to_string(),
                reason: "only PostgreSQL (schemas) and MySQL/MariaDB (databases) have names to list; SQLite has no schemas to list: give a glob of files (sqlite:///tenants/*.db)"
                    .to_owned(),
            });
        }
    };
    let likes = likes.join(" OR ").replace("{col}", column);
    let sql = sql.replace("{likes}", &likes);
    let mut conn = retort_db::connect(server)?;
    let mut names = conn.query_column(&sql)?;
    names.sort_by_key(|a| natural_key(a));
    Ok(names)
}

/// A string literal: quotes doubled, and backslashes on MySQL/MariaDB.
fn literal(dialect: DialectName, value: &str) -> String {
    let value = value.replace('\'', "''");
    match dialect {
        DialectName::Mysql => format!("'{}'", value.replace('\\', "\\\\")),
        _ => format!("'{value}'"),
    }
}

/// A `*`/`?` pattern as SQL `LIKE ... ESCAPE '|'`.
fn like_pattern(glob: &str) -> String {
    let mut like = String::new();
    for c in glob.chars() {
        match c {
            '*' => like.push('%'),
            '?' => like.push('_'),
            '%' | '_' | '|' => {
                like.push('|');
                like.push(c);
            }
            c => like.push(c),
        }
    }
    like
}

/// Sorts `tenant_2` before `tenant_10`: runs of digits compare as numbers.
pub(super) fn natural_key(s: &str) -> Vec<(u8, u128, String)> {
    let mut key = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digit = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digit {
                break;
            }
            run.push(c);
            chars.next();
        }
        match digit {
            true => key.push((0, run.parse().unwrap_or(u128::MAX), run)),
            false => key.push((1, 0, run)),
        }
    }
    key
}

/// What a URL query value keeps as it is: RFC 3986's unreserved
/// characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_puts_2_before_10() {
        let mut names = vec!["tenant_10", "tenant_2", "tenant_1", "alpha"];
        names.sort_by_key(|a| natural_key(a));
        assert_eq!(names, ["alpha", "tenant_1", "tenant_2", "tenant_10"]);
    }

    #[test]
    fn patterns_become_like_with_escapes() {
        assert_eq!(like_pattern("tenant_*"), "tenant|_%");
        assert_eq!(like_pattern("a?b%|"), "a_b|%||");
    }

    #[test]
    fn a_url_file_names_members_and_skips_comments() {
        let dir = tempfile_dir();
        let file = dir.join("urls.txt");
        std::fs::write(
            &file,
            "# tenants\n\nsqlite:///a/t1.db\nbeta   sqlite:///b/t2.db\n  # more\npostgresql://app:s3cret@db/prod\n",
        )
        .unwrap();
        let members = discover(file.to_str().unwrap()).unwrap();
        let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["t1", "beta", "prod"]);
        assert_eq!(members[2].url.to_string(), "postgresql://app:***@db/prod");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_empty_source_is_an_error() {
        let dir = tempfile_dir();
        let file = dir.join("urls.txt");
        std::fs::write(&file, "# nothing\n").unwrap();
        let err = discover(file.to_str().unwrap()).unwrap_err();
        assert!(err.to_string().ends_with("no database matches"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "retort-fleet-unit-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
