//! Hiding the secrets of anything that looks like a URL, valid or not.
//!
//! A URL is printed in errors precisely when it is wrong, so the masking
//! cannot rely on the URL being well formed: a password may hold an
//! unencoded `/`, `?` or `#`, the scheme may have one slash or three, or
//! none at all. The rules are deliberately greedy, since masking too much
//! costs a less helpful message and masking too little leaks a password:
//!
//! - the *userinfo*: from the start of the authority (after `scheme:/`,
//!   `scheme://`, `scheme:///`…, or the start of the text when there is no
//!   such scheme) to the **last** `@` of the text; everything after its
//!   first `:` is the password;
//! - without any `@`, a `host:port` whose port is not a number: everything
//!   from that `:` on (`postgresql://user:password` forgot the host);
//! - the value of every query parameter whose name looks like a secret
//!   (`password`, `pass`, `pwd`, `sslpassword`, `token`, `secret`, `key`,
//!   ...; see [`is_secret_param`]).
//!
//! The hidden texts are kept too ([`Masked::secrets`]), so that a message
//! built from parts of the URL (a database name in a server's error, a
//! parameter the driver refuses) can be scrubbed of them ([`redact`]).

/// A text with its secrets replaced by `***`, and the secrets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Masked {
    /// The text to print.
    pub text: String,
    /// What was hidden, as written and percent-decoded.
    pub secrets: Vec<String>,
}

/// `raw` with its password and secret parameters replaced by `***`.
pub fn mask(raw: &str) -> String {
    masked(raw).text
}

/// True for a query parameter whose value may be a secret: its name (any
/// case) holds `pass`, `pwd`, `secret`, `token`, `key`, `auth` or
/// `credential`, or is `pw`.
pub fn is_secret_param(name: &str) -> bool {
    let name = decode_lossy(name).to_ascii_lowercase();
    name == "pw"
        || [
            "pass",
            "pwd",
            "secret",
            "token",
            "key",
            "auth",
            "credential",
        ]
        .iter()
        .any(|word| name.contains(word))
}

/// `key=value` for a message, the value hidden when the name looks secret.
pub fn param_for_message(key: &str, value: &str) -> String {
    if is_secret_param(key) {
        format!("{key}=***")
    } else {
        format!("{key}={value}")
    }
}

/// `text` with every occurrence of a secret of three characters or more
/// replaced by `***` (shorter ones would mangle the message for little).
pub(crate) fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    let mut longest_first: Vec<&String> = secrets.iter().filter(|s| s.len() >= 3).collect();
    longest_first.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in longest_first {
        out = out.replace(secret.as_str(), "***");
    }
    out
}

/// Masks `raw` (see the module documentation).
pub(crate) fn masked(raw: &str) -> Masked {
    let raw = raw.trim();
    let start = authority_start(raw);
    let mut secrets = Vec::new();
    let mut text = String::with_capacity(raw.len());
    let rest = match raw.rfind('@').filter(|&at| at >= start) {
        Some(at) => {
            let userinfo = &raw[start..at];
            match userinfo.find(':') {
                Some(colon) => {
                    text.push_str(&raw[..start + colon + 1]);
                    text.push_str("***");
                    secrets.push(userinfo[colon + 1..].to_owned());
                }
                None => text.push_str(&raw[..at]),
            }
            &raw[at..]
        }
        None => {
            text.push_str(&raw[..start]);
            let host_end = raw[start..]
                .find(['/', '?', '#'])
                .map_or(raw.len(), |i| start + i);
            match bad_port(&raw[start..host_end]) {
                Some(colon) => {
                    // Not a port: maybe a password without its host. Hide
                    // everything after it.
                    text.push_str(&raw[start..start + colon + 1]);
                    text.push_str("***");
                    secrets.push(raw[start + colon + 1..].to_owned());
                    ""
                }
                None => &raw[start..],
            }
        }
    };
    match rest.split_once('?') {
        Some((path, query)) => {
            text.push_str(path);
            text.push('?');
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, value)) if is_secret_param(key) => {
                        secrets.push(value.to_owned());
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            text.push_str(&pairs.join("&"));
        }
        None => text.push_str(rest),
    }
    // A secret parameter wherever it stands: an `@` inside its value can
    // make the split above read the query as a user name, left as written.
    for segment in raw.split(['?', '&']) {
        if let Some((key, value)) = segment.split_once('=')
            && is_secret_param(key)
        {
            let value = value.split('#').next().unwrap_or_default();
            if value.is_empty() {
                continue;
            }
            text = text.replace(&format!("{key}={value}"), &format!("{key}=***"));
            if !secrets.iter().any(|s| s == value) {
                secrets.push(value.to_owned());
            }
        }
    }
    let decoded: Vec<String> = secrets
        .iter()
        .map(|s| decode_lossy(s))
        .filter(|d| !secrets.contains(d))
        .collect();
    secrets.extend(decoded);
    secrets.retain(|s| !s.is_empty());
    Masked { text, secrets }
}

/// Where the authority begins: after `scheme:` and its slashes when the
/// text starts with a scheme followed by at least one `/`, else at 0.
fn authority_start(raw: &str) -> usize {
    let Some(colon) = raw.find(':') else {
        return 0;
    };
    let scheme = &raw[..colon];
    let is_scheme = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let after = &raw[colon + 1..];
    let slashes = after.len() - after.trim_start_matches('/').len();
    if is_scheme && slashes > 0 {
        colon + 1 + slashes
    } else {
        0
    }
}

/// The position of the `:` of `host:port` when what follows it is not a
/// port number (digits, or nothing).
fn bad_port(hostport: &str) -> Option<usize> {
    // An IPv6 address keeps its colons inside brackets.
    let from = hostport.rfind(']').map_or(0, |i| i + 1);
    let colon = from + hostport[from..].find(':')?;
    let port = &hostport[colon + 1..];
    (!port.bytes().all(|b| b.is_ascii_digit())).then_some(colon)
}

/// `%XX` escapes decoded where they are valid, everything else kept.
fn decode_lossy(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_urls_hide_the_password_only() {
        assert_eq!(
            mask("postgresql://app:s3cret@db:5432/prod?password=x1&sslmode=disable"),
            "postgresql://app:***@db:5432/prod?password=***&sslmode=disable"
        );
        assert_eq!(mask("mysql://root@h:3306/d"), "mysql://root@h:3306/d");
        assert_eq!(mask("postgres://h/d?x=1"), "postgres://h/d?x=1");
        assert_eq!(mask("sqlite:////abs/a.db"), "sqlite:////abs/a.db");
        assert_eq!(mask("sqlite:///C:/a.db"), "sqlite:///C:/a.db");
        assert_eq!(mask("mysql://u@[::1]:3307/d"), "mysql://u@[::1]:3307/d");
        // A '@' in the password: the last one ends the userinfo.
        assert_eq!(mask("mysql://u:a@b@h/d"), "mysql://u:***@h/d");
    }

    #[test]
    fn malformed_urls_hide_whatever_could_be_a_password() {
        for (raw, shown) in [
            (
                "postgresql:/user:pw1@host/db",
                "postgresql:/user:***@host/db",
            ),
            (
                "postgresql:///user:pw1@host/db",
                "postgresql:///user:***@host/db",
            ),
            ("scheme:///user:pw1@host", "scheme:///user:***@host"),
            ("mysql:user:pw1@host/db", "mysql:***@host/db"),
            ("user:pw1@host/db", "user:***@host/db"),
            (
                "postgresql://user:p/w1@host/db",
                "postgresql://user:***@host/db",
            ),
            (
                "postgresql://user:pw?1@host/db",
                "postgresql://user:***@host/db",
            ),
            (
                "postgresql://user:pw#1@host/db",
                "postgresql://user:***@host/db",
            ),
            ("postgresql://user:pw1", "postgresql://user:***"),
            ("postgresql://user:p/w1", "postgresql://user:***"),
            (
                "postgresql://user:pw1@host:port/d",
                "postgresql://user:***@host:port/d",
            ),
            ("not a url:pw1@x", "not a url:***@x"),
            (
                "DATABASE_URL postgresql://u:pw1@h/d",
                "DATABASE_URL postgresql:***@h/d",
            ),
            ("weird://u:pw1@", "weird://u:***@"),
        ] {
            assert_eq!(mask(raw), shown, "{raw}");
        }
    }

    #[test]
    fn secret_parameters_are_hidden_whatever_their_spelling() {
        for key in [
            "password",
            "PassWord",
            "pass",
            "passwd",
            "pwd",
            "pw",
            "sslpassword",
            "api_token",
            "secret",
            "sslkey",
            "pass%77ord",
        ] {
            let raw = format!("mysql://u@h/d?a=1&{key}=v4lue&b=2");
            assert_eq!(
                mask(&raw),
                format!("mysql://u@h/d?a=1&{key}=***&b=2"),
                "{key}"
            );
        }
        assert_eq!(param_for_message("pwd", "x"), "pwd=***");
        assert_eq!(param_for_message("charset", "latin1"), "charset=latin1");
    }

    #[test]
    fn secrets_are_kept_decoded_too_for_redacting_messages() {
        let m = masked("postgresql://u:p%40ss1@h/d?token=t0k");
        assert_eq!(m.secrets, ["p%40ss1", "t0k", "p@ss1"]);
        assert_eq!(
            redact("database \"p@ss1\" and t0k and p%40ss1", &m.secrets),
            "database \"***\" and *** and ***"
        );
        // Short secrets are left alone rather than mangling the message.
        assert_eq!(redact("a b", &["a".to_owned()]), "a b");
    }
}
