//! URL parsing, masking and the choice between `--url`, `DATABASE_URL`,
//! `.env` and the configuration. No server needed.

use std::path::Path;

use retort_core::Config;
use retort_db::url::{Target, mask};
use retort_db::{DatabaseUrl, DialectName, ResolveUrlError, UrlSource, resolve_url_with};

fn parse(raw: &str) -> DatabaseUrl {
    DatabaseUrl::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
}

#[test]
fn sqlite_forms() {
    assert_eq!(
        parse("sqlite:///relative.db").sqlite_path(),
        Some(Path::new("relative.db"))
    );
    assert_eq!(
        parse("sqlite:///sub/dir/app.db").sqlite_path(),
        Some(Path::new("sub/dir/app.db"))
    );
    assert_eq!(
        parse("sqlite:////abs/app.db").sqlite_path(),
        Some(Path::new("/abs/app.db"))
    );
    for memory in ["sqlite://", "sqlite:///:memory:", "sqlite:///"] {
        let url = parse(memory);
        assert_eq!(url.target(), &Target::Sqlite(None), "{memory}");
        assert_eq!(url.dialect(), DialectName::Sqlite);
    }
    assert_eq!(
        parse("sqlite+pysqlite:///a%20b.db").sqlite_path(),
        Some(Path::new("a b.db"))
    );
}

#[test]
fn sqlite_with_a_host_is_refused() {
    let err = DatabaseUrl::parse("sqlite://app.db").unwrap_err();
    assert!(err.reason.contains("sqlite:///relative.db"), "{err}");
    assert!(DatabaseUrl::parse("sqlite:///a.db?mode=ro").is_err());
}

#[test]
fn server_urls_with_every_part() {
    let url = parse("postgresql://al%40ice:p%3Ass@db.example.com:6543/my%20app?sslmode=disable");
    assert_eq!(url.dialect(), DialectName::Postgresql);
    let server = url.server().unwrap();
    assert_eq!(server.user.as_deref(), Some("al@ice"));
    assert_eq!(server.password.as_deref(), Some("p:ss"));
    assert_eq!(server.host, "db.example.com");
    assert_eq!(server.port, Some(6543));
    assert_eq!(server.database.as_deref(), Some("my app"));
    assert_eq!(server.params, vec![("sslmode".into(), "disable".into())]);

    let url = parse("mysql://root@[::1]:3307/app");
    let server = url.server().unwrap();
    assert_eq!((server.host.as_str(), server.port), ("::1", Some(3307)));
    assert_eq!(server.password, None);

    let url = parse("postgres://localhost");
    let server = url.server().unwrap();
    assert_eq!(server.user, None);
    assert_eq!(server.database, None);
    assert_eq!(server.port, None);
    // A password may hold '@': the last one ends the user part.
    let url = parse("mysql://u:a@b@h/d");
    assert_eq!(url.server().unwrap().password.as_deref(), Some("a@b"));
    assert_eq!(url.server().unwrap().host, "h");
}

#[test]
fn the_dialect_comes_from_the_scheme_and_driver_suffixes_are_ignored() {
    for (raw, dialect) in [
        ("postgresql://h/d", DialectName::Postgresql),
        ("postgres://h/d", DialectName::Postgresql),
        ("postgresql+psycopg2://h/d", DialectName::Postgresql),
        ("POSTGRESQL+asyncpg://h/d", DialectName::Postgresql),
        ("mysql://h/d", DialectName::Mysql),
        ("mariadb://h/d", DialectName::Mysql),
        ("mysql+pymysql://h/d", DialectName::Mysql),
        ("mariadb+mariadbconnector://h/d", DialectName::Mysql),
        ("sqlite+pysqlite:///x.db", DialectName::Sqlite),
    ] {
        assert_eq!(parse(raw).dialect(), dialect, "{raw}");
    }
}

#[test]
fn bad_urls_say_what_to_write_and_hide_the_password() {
    let err = DatabaseUrl::parse("oracle://scott:tiger@h/d").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("oracle://scott:***@h/d"), "{text}");
    assert!(!text.contains("tiger"), "{text}");
    assert!(
        text.contains("postgresql://user:password@host:port/database"),
        "{text}"
    );

    let err = DatabaseUrl::parse("postgresql://u:hunter2@h:port/d").unwrap_err();
    assert!(
        err.to_string().contains("\"port\" is not a number"),
        "{err}"
    );
    assert!(!err.to_string().contains("hunter2"), "{err}");

    let err = DatabaseUrl::parse("just-a-file.db").unwrap_err();
    assert!(err.reason.contains("scheme"), "{err}");
    assert!(DatabaseUrl::parse("mysql://u:p@h/d%zz").is_err());
}

#[test]
fn display_and_debug_hide_the_password() {
    let url = parse("postgresql+psycopg2://app:s3cret@db:5432/prod?password=s3cret&x=1");
    let shown = format!("{url} {url:?} {:?}", url.target());
    assert!(!shown.contains("s3cret"), "{shown}");
    assert_eq!(
        url.masked(),
        "postgresql+psycopg2://app:***@db:5432/prod?password=***&x=1"
    );
    assert_eq!(parse("mysql://root@h/d").masked(), "mysql://root@h/d");
    assert_eq!(parse("sqlite:///a.db").masked(), "sqlite:///a.db");
    // Anything shaped like `x:y@`, URL or not, has its `y` hidden.
    assert_eq!(mask("not a url:secret@x"), "not a url:***@x");
    assert_eq!(mask("weird://u:pw@"), "weird://u:***@");
}

fn config(url: Option<&str>) -> Config {
    let mut config = Config {
        url: url.map(str::to_owned),
        ..Config::default()
    };
    config.path = "migrations/retort.toml".into();
    config
}

fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |var| {
        pairs
            .iter()
            .find(|(k, _)| *k == var)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn precedence_is_flag_then_environment_then_dotenv_then_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "# comment\nexport OTHER=1\nDATABASE_URL=\"sqlite:///from-dotenv.db\"\n",
    )
    .unwrap();
    let cfg = config(Some("sqlite:///from-config.db"));
    let env = env_of(&[("DATABASE_URL", "sqlite:///from-env.db")]);
    let none = env_of(&[]);
    let pick = |flag, env: &dyn Fn(&str) -> Option<String>, dir: &Path, cfg: &Config| {
        let got = resolve_url_with(flag, env, dir, cfg, None).unwrap();
        (
            got.url.sqlite_path().unwrap().display().to_string(),
            got.from,
        )
    };
    let (path, from) = pick(Some("sqlite:///from-flag.db"), &env, dir.path(), &cfg);
    assert_eq!((path.as_str(), from), ("from-flag.db", UrlSource::Flag));
    let (path, from) = pick(None, &env, dir.path(), &cfg);
    assert_eq!(path, "from-env.db");
    assert!(matches!(from, UrlSource::Environment { ref var } if var == "DATABASE_URL"));
    let (path, from) = pick(None, &none, dir.path(), &cfg);
    assert_eq!(path, "from-dotenv.db");
    assert!(matches!(from, UrlSource::DotEnv { .. }));
    let empty = tempfile::tempdir().unwrap();
    let (path, from) = pick(None, &none, empty.path(), &cfg);
    assert_eq!(path, "from-config.db");
    assert!(matches!(from, UrlSource::Config { database: None, .. }));
    // An empty variable counts as unset.
    let blank = env_of(&[("DATABASE_URL", "")]);
    let (path, _) = pick(None, &blank, empty.path(), &cfg);
    assert_eq!(path, "from-config.db");
}

#[test]
fn a_bad_url_names_its_source_and_does_not_fall_back() {
    let empty = tempfile::tempdir().unwrap();
    let cfg = config(Some("sqlite:///fine.db"));
    let env = env_of(&[("DATABASE_URL", "postgresql://u:hunter2@h:99999/d")]);
    let err = resolve_url_with(None, env, empty.path(), &cfg, None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("the database URL from the environment variable DATABASE_URL"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");

    let err = resolve_url_with(Some("nope"), env_of(&[]), empty.path(), &cfg, None).unwrap_err();
    assert!(
        err.to_string().starts_with("the database URL from --url"),
        "{err}"
    );

    let err =
        resolve_url_with(None, env_of(&[]), empty.path(), &config(Some("x://")), None).unwrap_err();
    assert!(
        err.to_string().contains("`url` in migrations/retort.toml"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "DATABASE_URL=mysql://h:x/d\n").unwrap();
    let err = resolve_url_with(None, env_of(&[]), dir.path(), &cfg, None).unwrap_err();
    assert!(err.to_string().contains("DATABASE_URL in "), "{err}");
    assert!(err.to_string().contains(".env"), "{err}");
}

#[test]
fn a_missing_url_says_where_to_put_one() {
    let empty = tempfile::tempdir().unwrap();
    let err = resolve_url_with(None, env_of(&[]), empty.path(), &config(None), None).unwrap_err();
    assert!(matches!(err, ResolveUrlError::Missing { .. }));
    let text = err.to_string();
    for part in ["--url", "DATABASE_URL", ".env", "migrations/retort.toml"] {
        assert!(text.contains(part), "{text}");
    }
}

#[test]
fn multi_database_projects_use_their_own_variable_and_table() {
    let empty = tempfile::tempdir().unwrap();
    let mut cfg = config(None);
    cfg.databases.insert(
        "engine-1".into(),
        retort_core::config::DatabaseConfig {
            url: Some("sqlite:///engine1.db".into()),
            ..Default::default()
        },
    );
    let env = env_of(&[
        ("DATABASE_URL", "sqlite:///ignored.db"),
        ("RETORT_ENGINE_1_URL", "sqlite:///from-env.db"),
    ]);
    let got = resolve_url_with(None, env, empty.path(), &cfg, Some("engine-1")).unwrap();
    assert_eq!(got.url.sqlite_path(), Some(Path::new("from-env.db")));
    let got = resolve_url_with(None, env_of(&[]), empty.path(), &cfg, Some("engine-1")).unwrap();
    assert_eq!(got.url.sqlite_path(), Some(Path::new("engine1.db")));
    assert_eq!(
        got.from.to_string(),
        "`url` of [databases.engine-1] in migrations/retort.toml"
    );
    let err = resolve_url_with(None, env_of(&[]), empty.path(), &cfg, Some("other")).unwrap_err();
    assert!(err.to_string().contains("RETORT_OTHER_URL"), "{err}");
}

#[test]
fn dotenv_lines_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, "A=1\nthis is not an assignment\n").unwrap();
    let err = retort_db::source::read_dotenv(&path, "DATABASE_URL").unwrap_err();
    assert!(
        err.to_string().contains(".env:2: expected KEY=VALUE"),
        "{err}"
    );
    std::fs::write(
        &path,
        "DATABASE_URL='sqlite:///q.db'\nDATABASE_URL=sqlite:///last.db # note\n",
    )
    .unwrap();
    let got = retort_db::source::read_dotenv(&path, "DATABASE_URL").unwrap();
    assert_eq!(got.as_deref(), Some("sqlite:///last.db"));
}

/// `.env` is parsed by `dotenvy`: `export`, comments, quotes and escapes.
#[test]
fn dotenv_export_quotes_escapes_and_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    let read = |text: &str, var: &str| {
        std::fs::write(&path, text).unwrap();
        retort_db::source::read_dotenv(&path, var).unwrap()
    };
    let text = "# a comment\n\
                export DATABASE_URL=sqlite:///exported.db\n\
                \n\
                ESCAPED=\"a\\nb \\\"q\\\"\"\n\
                SINGLE='no $ESCAPES \\n here'\n\
                SPACED = \"with spaces\" # trailing comment\n\
                MULTI=\"one\ntwo\"\n\
                EMPTY=\n";
    assert_eq!(
        read(text, "DATABASE_URL").as_deref(),
        Some("sqlite:///exported.db")
    );
    assert_eq!(read(text, "ESCAPED").as_deref(), Some("a\nb \"q\""));
    assert_eq!(
        read(text, "SINGLE").as_deref(),
        Some("no $ESCAPES \\n here")
    );
    assert_eq!(read(text, "SPACED").as_deref(), Some("with spaces"));
    assert_eq!(read(text, "MULTI").as_deref(), Some("one\ntwo"));
    assert_eq!(read(text, "EMPTY"), None);
    assert_eq!(read(text, "MISSING"), None);
    // A commented-out assignment does not count.
    assert_eq!(read("#DATABASE_URL=sqlite:///x.db\n", "DATABASE_URL"), None);
    // Other variables substitute into double-quoted and bare values.
    assert_eq!(
        read(
            "DIR=data\nDATABASE_URL=\"sqlite:///${DIR}/app.db\"\n",
            "DATABASE_URL"
        )
        .as_deref(),
        Some("sqlite:///data/app.db")
    );
}

/// A line `dotenvy` cannot parse is an error naming the file and the line
/// (the line of the failing character), with any password masked.
#[test]
fn dotenv_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    let error = |text: &str| {
        std::fs::write(&path, text).unwrap();
        retort_db::source::read_dotenv(&path, "DATABASE_URL")
            .unwrap_err()
            .to_string()
    };
    let cases: [(&str, &str); 5] = [
        ("A=1\n# c\nB=two words\n", ":3: "),
        ("A=1\nB=\"bad \\q escape\"\nC=3\n", ":2: "),
        ("A=1\n\nB='never closed\nC=3\n", ":3: "),
        ("A=1\n1BAD=x\n", ":2: "),
        (
            "A=1\nDATABASE_URL postgresql://u:S3cr3tPw@h/d\n",
            ":2: expected KEY=VALUE",
        ),
    ];
    for (text, expected) in cases {
        let err = error(text);
        assert!(err.starts_with(&path.display().to_string()), "{err}");
        assert!(err.contains(&format!(".env{expected}")), "{text:?}: {err}");
        assert!(!err.contains("S3cr3tPw"), "{err}");
    }
}
