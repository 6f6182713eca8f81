//! Fuzzing of database URLs: `DatabaseUrl::parse`, its `Display`, `Debug`
//! and `masked()`, its error's `Display` and `Debug`, and `url::mask`. No
//! server needed. Besides no panic and no hang, a password planted in the
//! input (after `user:` or in a `password=` parameter) never appears in
//! any of these outputs, as written or decoded.
//!
//! See `retort-core/tests/fuzz.rs` for the harness: `RETORT_FUZZ_CASES`
//! scales the run, `scripts/fuzz.sh` runs a long campaign.

#[path = "../../../retort-core/tests/fuzz_support/mod.rs"]
mod fuzz_support;

use fuzz_support::{fuzz, mutate, random_text};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use retort_db::DatabaseUrl;
use retort_db::url::mask;

/// A URL with the passwords planted in it.
#[derive(Clone)]
struct Planted {
    raw: String,
    /// Each planted password as written in the URL, and decoded.
    secrets: Vec<(String, Option<String>)>,
    /// The password `user:` carries, decoded, when the URL is one that
    /// must parse (a server URL whose every part is valid).
    expected_password: Option<String>,
}

impl std::fmt::Debug for Planted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} (passwords {:?})", self.raw, self.secrets)
    }
}

/// Characters a password may hold as they are. `/`, `?` and `#` are not
/// among them: a URL needs them percent-encoded there (RFC 3986), and a
/// URL holding them raw may be refused (it must not leak, which
/// `url_errors_never_show_a_password_known_leaks` checks).
const SECRET_CHARS: &[char] = &[
    'a', 'b', 'k', 'Q', 'x', 'Z', '0', '7', '9', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';',
    '=', '~', '-', '.', '_', ':', '@', ' ', 'é', '"', '\\', '[', ']', '{', '}', '|', '^', '`',
];

/// A password: a marker no other part of a URL holds, then characters and
/// percent-encoded bytes; as written, and decoded (`None` when an escape
/// is not valid UTF-8, which the parser refuses).
fn secret() -> impl Strategy<Value = (String, Option<String>)> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(SECRET_CHARS).prop_map(|c| (c.to_string(), vec![c as u32])),
            1 => any::<u8>().prop_map(|b| (format!("%{b:02X}"), vec![0x1_0000 + u32::from(b)])),
            1 => prop::sample::select(&["%2F", "%3F", "%23", "%40", "%3A", "%25", "%2f", "%C3%A9"][..])
                .prop_map(|e| (e.to_owned(), Vec::new())),
        ],
        6..14,
    )
    .prop_map(|parts| {
        let mut raw = String::from("Zq");
        for (text, _) in &parts {
            raw.push_str(text);
        }
        let decoded = percent_decode(&raw);
        (raw, decoded)
    })
}

/// `%XX` decoding, as the URL parser does it (a reference for the test).
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Schemes, and whether a server URL with them parses. Not `sqlite`: a
/// SQLite URL with `user:password@` shows the password today (see
/// `url_errors_never_show_a_password_known_leaks`).
const SCHEMES: &[(&str, bool)] = &[
    ("postgresql", true),
    ("postgres", true),
    ("postgresql+psycopg2", true),
    ("PostgreSQL", true),
    ("mysql", true),
    ("mariadb", true),
    ("mysql+pymysql", true),
    ("MySQL", true),
    ("oracle", false),
    ("", false),
    ("postgresql:", false),
    ("mysql :", false),
];

const USERS: &[(&str, bool)] = &[
    ("app", true),
    ("al%40ice", true),
    ("", true),
    ("u.s-e_r", true),
    ("%zz", false),
    ("%FF", false),
];

const HOSTS: &[(&str, bool)] = &[
    ("db.example.com", true),
    ("127.0.0.1", true),
    ("[::1]", true),
    ("localhost", true),
    ("", true),
    ("h%41st", true),
    ("[::1", false),
    ("[::1]x", false),
    ("%", false),
    ("ho st", true),
];

const PORTS: &[(&str, bool)] = &[
    ("", true),
    (":", true),
    (":5432", true),
    (":1", true),
    (":65535", true),
    (":0", true),
    (":65536", false),
    (":-1", false),
    (":abc", false),
    (":99999999999", false),
    (": 1", false),
];

const PATHS: &[(&str, bool)] = &[
    ("", true),
    ("/", true),
    ("/app", true),
    ("/my%20app", true),
    ("/a/b", true),
    ("/%ff", false),
    ("/%", false),
    ("/é", true),
];

const PARAMS: &[(&str, bool)] = &[
    ("sslmode=disable", true),
    ("sslmode=require", true),
    ("application_name=x", true),
    ("connect_timeout=5", true),
    ("host=%2Ftmp", true),
    ("=", true),
    ("a", true),
    ("%", false),
    ("x=%zz", false),
];

/// The spellings of a planted `password=` parameter's key (not
/// percent-encoded ones, which show the password today).
const PASSWORD_KEYS: &[&str] = &["password", "PASSWORD", "Password"];

/// A URL from parts, some of them invalid, with passwords planted after
/// `user:` and in `password=` parameters.
fn planted_url() -> impl Strategy<Value = Planted> {
    (
        (
            prop::sample::select(SCHEMES),
            prop::option::weighted(0.85, prop::sample::select(USERS)),
            prop::option::weighted(0.85, secret()),
            prop::sample::select(HOSTS),
            prop::sample::select(PORTS),
            prop::sample::select(PATHS),
        ),
        prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(PARAMS).prop_map(|(p, ok)| (p.to_owned(), None, ok)),
                1 => (prop::sample::select(PASSWORD_KEYS), secret())
                    .prop_map(|(key, (written, _))| {
                        // A `&` would end the parameter: encoded, as a URL wants it.
                        let written = written.replace('&', "%26");
                        let decoded = percent_decode(&written);
                        (format!("{key}={written}"), Some((written, decoded)), true)
                    }),
            ],
            0..3,
        ),
        any::<bool>(),
    )
        .prop_map(
            |((scheme, user, password, host, port, path), params, question)| {
                let mut raw = format!("{}://", scheme.0);
                let mut secrets = Vec::new();
                let mut valid = scheme.1 && host.1 && port.1 && path.1;
                if let Some((user, user_ok)) = user {
                    valid &= user_ok;
                    raw.push_str(user);
                    if let Some(secret) = &password {
                        raw.push(':');
                        raw.push_str(&secret.0);
                        secrets.push(secret.clone());
                    }
                    raw.push('@');
                }
                raw.push_str(host.0);
                raw.push_str(port.0);
                raw.push_str(path.0);
                if !params.is_empty() || question {
                    raw.push('?');
                }
                let pairs: Vec<String> = params
                    .into_iter()
                    .map(|(pair, secret, ok)| {
                        valid &= ok && secret.as_ref().is_none_or(|s| s.1.is_some());
                        secrets.extend(secret);
                        pair
                    })
                    .collect();
                raw.push_str(&pairs.join("&"));
                let expected_password = match (&user, &password) {
                    (Some(_), Some((_, decoded))) if valid => decoded.clone(),
                    _ => None,
                };
                Planted {
                    raw,
                    secrets,
                    expected_password,
                }
            },
        )
}

/// Everything retort may print about `raw`.
fn outputs(raw: &str) -> Vec<String> {
    let mut out = vec![mask(raw)];
    match DatabaseUrl::parse(raw) {
        Ok(url) => {
            out.push(url.to_string());
            out.push(url.masked().to_owned());
            out.push(format!("{url:?}"));
            out.push(format!("{:?}", url.target()));
            out.push(format!("{:?}", url.server()));
        }
        Err(e) => {
            out.push(e.to_string());
            out.push(format!("{e:?}"));
        }
    }
    out
}

/// No output shows a planted password, as written or decoded.
fn check_planted(input: &Planted) -> Result<bool, TestCaseError> {
    for output in outputs(&input.raw) {
        for (written, decoded) in &input.secrets {
            prop_assert!(
                !output.contains(written.as_str()),
                "the password {written:?} shows in {output:?}"
            );
            if let Some(decoded) = decoded {
                prop_assert!(
                    !output.contains(decoded.as_str()),
                    "the password {decoded:?} shows in {output:?}"
                );
            }
        }
    }
    let parsed = DatabaseUrl::parse(&input.raw);
    if let Some(expected) = &input.expected_password {
        let url = parsed
            .as_ref()
            .map_err(|e| TestCaseError::fail(format!("a valid URL is refused: {e}")))?;
        let server = url.server().expect("a server URL");
        prop_assert_eq!(server.password.as_deref(), Some(expected.as_str()));
    }
    Ok(parsed.is_ok())
}

#[test]
fn fuzz_database_urls() {
    // Planted URLs, as built or changed by an edit or two.
    let changed = (
        planted_url(),
        prop::collection::vec(fuzz_support::edit(URL_FRAGMENTS), 1..3),
    )
        .prop_map(|(planted, edits)| Planted {
            // An edit may move a password out of its place (delete the
            // `@` after it): only panics and hangs are checked on these.
            raw: mutate(&planted.raw, "", &edits),
            secrets: Vec::new(),
            expected_password: None,
        });
    let input = prop_oneof![
        6 => planted_url(),
        2 => changed,
        1 => random_text(256).prop_map(|raw| Planted { raw, secrets: Vec::new(), expected_password: None }),
        1 => (prop::sample::select(&["postgresql://", "mysql://", "sqlite://", "sqlite:///"][..]), random_text(128))
            .prop_map(|(scheme, rest)| Planted { raw: format!("{scheme}{rest}"), secrets: Vec::new(), expected_password: None }),
    ];
    fuzz("database_urls", input, check_planted);
}

const URL_FRAGMENTS: &[&str] = &[
    "://",
    "@",
    ":",
    "/",
    "?",
    "&",
    "=",
    "%",
    "%2",
    "%41",
    "[",
    "]",
    "::",
    "+",
    "#",
    " ",
    "\t",
    "\n",
    "sqlite",
    "password=",
    "sslmode=",
    "é",
];

/// Shapes that once leaked a password: one with a `/` or `?` as it is, a
/// SQLite URL with `user:password@`, a `password` parameter whose key
/// is percent-encoded, and one whose value holds an `@` (found by the
/// fuzzer: the query was read as a user name).
#[test]
fn url_errors_never_show_a_password_known_leaks() {
    for (raw, secret) in [
        ("postgresql://app:s3cr/et@db.example.com/app", "s3cr"),
        ("mysql://app:s3cr?et@db.example.com/app", "s3cr"),
        ("sqlite://app:s3cret@host/app.db", "s3cret"),
        ("postgresql://app@db/app?pass%77ord=s3cret", "s3cret"),
        (
            "postgresql://db.example.com?password=Zq@aaaaa&sslmode=disable",
            "Zq@aaaaa",
        ),
        ("mysql://u@h/db?password=p@ss:word", "p@ss:word"),
    ] {
        for output in outputs(raw) {
            assert!(!output.contains(secret), "{raw}: {output}");
        }
    }
}
