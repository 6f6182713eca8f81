//! libpq's TLS parameters (`sslmode`, `sslrootcert`, `sslcert`,
//! `sslkey`) and how a connection is tried with them; see the parent
//! module's documentation for the rules.

#[cfg(feature = "tls")]
use std::path::{Path, PathBuf};

use postgres::Client;
use postgres::config::SslMode as DriverMode;

use crate::tls::{self, PG};

/// libpq's `sslmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    /// libpq's spelling (lower case only, as libpq accepts).
    fn parse(value: &str) -> Option<SslMode> {
        Some(match value {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// The TLS parameters of a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct TlsParams {
    pub mode: SslMode,
    pub rootcert: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
}

impl TlsParams {
    /// Reads them from the URL's parameters: `Err` holds the parameter in
    /// error, for [`DbError::UnsupportedParam`](crate::DbError).
    pub(super) fn parse(params: &[(String, String)]) -> Result<TlsParams, String> {
        let mut tls = TlsParams {
            mode: SslMode::Prefer,
            rootcert: None,
            cert: None,
            key: None,
        };
        for (key, value) in params {
            match key.as_str() {
                "sslmode" => {
                    tls.mode = SslMode::parse(value).ok_or_else(|| format!("sslmode={value}"))?;
                }
                "sslrootcert" => tls.rootcert = Some(value.clone()),
                "sslcert" => tls.cert = Some(value.clone()),
                "sslkey" => tls.key = Some(value.clone()),
                _ => {}
            }
        }
        Ok(tls)
    }
}

/// Connects as `tls` says (plain on a Unix socket): the client, or the
/// reason it failed.
pub(super) fn connect(
    config: &mut postgres::Config,
    tls: &TlsParams,
    socket: bool,
) -> Result<Client, String> {
    config.ssl_mode(DriverMode::Disable);
    if socket || tls.mode == SslMode::Disable {
        return super::connect_plain(config).map_err(|e| plain_refused(e, tls.mode));
    }
    #[cfg(not(feature = "tls"))]
    {
        match tls.mode {
            // As libpq built without SSL.
            SslMode::Allow | SslMode::Prefer => {
                super::connect_plain(config).map_err(|e| plain_refused(e, tls.mode))
            }
            mode => Err(tls::not_built(&PG, mode.as_str())),
        }
    }
    #[cfg(feature = "tls")]
    {
        let home = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".postgresql"));
        let make = make_tls(tls, home.as_deref())?;
        match tls.mode {
            SslMode::Allow => super::connect_plain(config).or_else(|_| {
                config.ssl_mode(DriverMode::Require);
                super::connect_tls(config, make)
            }),
            // As libpq: a handshake that fails is tried again without TLS
            // (the server's answer "no TLS" is handled by the driver).
            SslMode::Prefer => {
                config.ssl_mode(DriverMode::Prefer);
                super::connect_tls(config, make).or_else(|e| {
                    if !e.starts_with("error performing TLS handshake") {
                        return Err(e);
                    }
                    config.ssl_mode(DriverMode::Disable);
                    super::connect_plain(config)
                        .map_err(|plain| format!("{e}; without TLS: {plain}"))
                })
            }
            _ => {
                config.ssl_mode(DriverMode::Require);
                super::connect_tls(config, make)
            }
        }
    }
}

/// `reason` for a plain login, with a hint when the server's pg_hba.conf
/// refused it for lacking encryption.
fn plain_refused(reason: String, mode: SslMode) -> String {
    // "no pg_hba.conf entry for ..., no encryption", or "pg_hba.conf
    // rejects connection for ..., no encryption" (a hostnossl reject line).
    if !(reason.contains("pg_hba.conf") && reason.contains("no encryption")) {
        return reason;
    }
    let hint = match cfg!(feature = "tls") {
        true => tls::requires_tls_hint(&PG, mode.as_str()),
        false => "the server requires TLS, and this build of retort was compiled without the \
                  `tls` cargo feature: rebuild it with default features"
            .to_owned(),
    };
    format!("{reason}\n{hint}")
}

/// Where the CA certificates come from.
#[cfg(feature = "tls")]
enum Roots {
    /// A PEM file: the one `sslrootcert` names (true), or libpq's default.
    File(PathBuf, bool),
    /// `sslrootcert=system`.
    System,
    /// None given, and no default file.
    Nothing,
}

/// The TLS connector for `tls`; `home` is libpq's folder of default files
/// (`~/.postgresql`).
#[cfg(feature = "tls")]
fn make_tls(tls: &TlsParams, home: Option<&Path>) -> Result<tls::postgres_tls::MakeRustls, String> {
    use tls::Verify;
    let default = |name: &str| home.map(|d| d.join(name)).filter(|p| p.exists());
    let mode = tls.mode.as_str();
    let roots = match tls.rootcert.as_deref() {
        Some("system") => Roots::System,
        Some(path) => Roots::File(PathBuf::from(path), true),
        None => match default("root.crt") {
            Some(path) => Roots::File(path, false),
            None => Roots::Nothing,
        },
    };
    if matches!(roots, Roots::System) && tls.mode != SslMode::VerifyFull {
        return Err(format!(
            "sslrootcert=system needs sslmode=verify-full (with sslmode={mode}, any server with \
             a certificate from a public CA would pass, whatever its name): set sslmode=verify-full"
        ));
    }
    let verify = match (tls.mode, &roots) {
        (SslMode::Require, Roots::Nothing) => Verify::Nothing,
        (SslMode::Require | SslMode::VerifyCa, _) => Verify::Chain,
        (SslMode::VerifyFull, _) => Verify::Full,
        _ => Verify::Nothing,
    };
    let (store, described) = match (verify, roots) {
        (Verify::Nothing, _) => (None, format!("no CA (sslmode={mode} checks none)")),
        (_, Roots::System) => (
            Some(tls::system_roots(PG.root)?),
            "the operating system's trusted CAs (sslrootcert=system)".to_owned(),
        ),
        (_, Roots::File(path, explicit)) => {
            let store = tls::roots_from_file(PG.root, &path)?;
            let described = match explicit {
                true => format!("sslrootcert={}", path.display()),
                false => format!("sslrootcert={} (libpq's default)", path.display()),
            };
            (Some(store), described)
        }
        (_, Roots::Nothing) => {
            return Err(format!(
                "sslmode={mode} checks the server's certificate, but no sslrootcert is set and \
                 the default ~/.postgresql/root.crt does not exist: set sslrootcert to the PEM \
                 file of the CA that signed the server's certificate (or sslrootcert=system for \
                 the operating system's CAs), or sslmode=require to encrypt without checking"
            ));
        }
    };
    let cert = tls
        .cert
        .as_deref()
        .map(PathBuf::from)
        .or_else(|| default("postgresql.crt"));
    let key = tls
        .key
        .as_deref()
        .map(PathBuf::from)
        .or_else(|| default("postgresql.key"));
    let identity = match (cert, key) {
        (Some(cert), Some(key)) => Some((
            tls::load_certs(PG.cert, &cert)?,
            tls::load_key(PG.key, &key)?,
        )),
        (Some(cert), None) => {
            return Err(format!(
                "sslcert={} is set but not sslkey: set sslkey to the PEM file of its private key",
                cert.display()
            ));
        }
        (None, Some(key)) if tls.key.is_some() => {
            return Err(format!(
                "sslkey={} is set but not sslcert: set sslcert to the PEM file of the client \
                 certificate",
                key.display()
            ));
        }
        _ => None,
    };
    let checked = tls::Checked {
        names: &PG,
        mode: mode.to_owned(),
        roots: described,
        host: String::new(),
        client_cert: identity.is_some(),
    };
    let config = tls::client_config(verify, store, identity, &PG)?;
    Ok(tls::postgres_tls::MakeRustls::new(config, checked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn sslmode_defaults_to_prefer_and_reads_every_libpq_mode() {
        assert_eq!(TlsParams::parse(&[]).unwrap().mode, SslMode::Prefer);
        for mode in [
            "disable",
            "allow",
            "prefer",
            "require",
            "verify-ca",
            "verify-full",
        ] {
            let tls = TlsParams::parse(&params(&[("sslmode", mode)])).unwrap();
            assert_eq!(tls.mode.as_str(), mode);
        }
        assert_eq!(
            TlsParams::parse(&params(&[("sslmode", "VERIFY-FULL")])).unwrap_err(),
            "sslmode=VERIFY-FULL"
        );
    }

    #[test]
    fn the_file_parameters_are_kept() {
        let tls = TlsParams::parse(&params(&[
            ("sslrootcert", "/ca.pem"),
            ("sslcert", "/c.pem"),
            ("sslkey", "/k.pem"),
            ("application_name", "x"),
        ]))
        .unwrap();
        assert_eq!(tls.rootcert.as_deref(), Some("/ca.pem"));
        assert_eq!(tls.cert.as_deref(), Some("/c.pem"));
        assert_eq!(tls.key.as_deref(), Some("/k.pem"));
    }

    #[cfg(feature = "tls")]
    fn make_error(pairs: &[(&str, &str)]) -> String {
        let tls = TlsParams::parse(&params(pairs)).unwrap();
        match make_tls(&tls, None) {
            Ok(_) => panic!("{pairs:?} was accepted"),
            Err(e) => e,
        }
    }

    #[cfg(feature = "tls")]
    #[test]
    fn verification_without_a_ca_says_what_to_set() {
        let e = make_error(&[("sslmode", "verify-full")]);
        assert!(e.contains("set sslrootcert"), "{e}");
        assert!(e.contains("sslmode=require"), "{e}");
        // require and prefer need no CA.
        for mode in ["require", "prefer", "allow"] {
            let tls = TlsParams::parse(&params(&[("sslmode", mode)])).unwrap();
            assert!(make_tls(&tls, None).is_ok(), "{mode}");
        }
    }

    #[cfg(feature = "tls")]
    #[test]
    fn file_errors_name_the_parameter_and_path() {
        let e = make_error(&[
            ("sslmode", "verify-ca"),
            ("sslrootcert", "/nonexistent/ca.pem"),
        ]);
        assert!(
            e.contains("sslrootcert=/nonexistent/ca.pem") && e.contains("does not exist"),
            "{e}"
        );
        // require with a root certificate checks it, as verify-ca.
        let e = make_error(&[
            ("sslmode", "require"),
            ("sslrootcert", "/nonexistent/ca.pem"),
        ]);
        assert!(e.contains("sslrootcert=/nonexistent/ca.pem"), "{e}");
        let e = make_error(&[("sslmode", "require"), ("sslcert", "/nonexistent/c.pem")]);
        assert!(e.contains("set sslkey"), "{e}");
        let e = make_error(&[
            ("sslmode", "require"),
            ("sslcert", "/nonexistent/c.pem"),
            ("sslkey", "/nonexistent/k.pem"),
        ]);
        assert!(e.contains("sslcert=/nonexistent/c.pem"), "{e}");
    }

    #[cfg(feature = "tls")]
    #[test]
    fn system_roots_need_verify_full() {
        let e = make_error(&[("sslmode", "verify-ca"), ("sslrootcert", "system")]);
        assert!(e.contains("set sslmode=verify-full"), "{e}");
    }

    #[test]
    fn a_pg_hba_refusal_without_encryption_gets_the_hint() {
        let refused = "FATAL: no pg_hba.conf entry for host \"127.0.0.1\", user \"u\", \
                       database \"d\", no encryption"
            .to_owned();
        let out = plain_refused(refused.clone(), SslMode::Disable);
        #[cfg(feature = "tls")]
        assert!(
            out.ends_with("the server requires TLS: remove sslmode=disable or set sslmode=require"),
            "{out}"
        );
        assert!(out.starts_with(&refused));
        let other = "FATAL: password authentication failed".to_owned();
        assert_eq!(plain_refused(other.clone(), SslMode::Disable), other);
    }
}
