//! The MySQL client's TLS parameters (`ssl-mode`, `ssl-ca`, `ssl-cert`,
//! `ssl-key`; `ssl_mode`... too) and how a connection is tried with them;
//! see the parent module's documentation for the rules.

use mysql::{Conn, OptsBuilder};

use crate::tls::{self, MYSQL};

/// The MySQL client's `--ssl-mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SslMode {
    Disabled,
    Preferred,
    Required,
    VerifyCa,
    VerifyIdentity,
}

impl SslMode {
    /// Any case, as the MySQL client.
    fn parse(value: &str) -> Option<SslMode> {
        Some(match value.to_ascii_uppercase().as_str() {
            "DISABLED" => SslMode::Disabled,
            "PREFERRED" => SslMode::Preferred,
            "REQUIRED" => SslMode::Required,
            "VERIFY_CA" => SslMode::VerifyCa,
            "VERIFY_IDENTITY" => SslMode::VerifyIdentity,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            SslMode::Disabled => "DISABLED",
            SslMode::Preferred => "PREFERRED",
            SslMode::Required => "REQUIRED",
            SslMode::VerifyCa => "VERIFY_CA",
            SslMode::VerifyIdentity => "VERIFY_IDENTITY",
        }
    }
}

/// The TLS parameters of a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct TlsParams {
    pub mode: SslMode,
    /// Whether the URL set `ssl-mode` (else `ssl-ca` implies `VERIFY_CA`).
    pub mode_given: bool,
    pub ca: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
}

impl TlsParams {
    /// True for a parameter this module reads.
    pub(super) fn is_tls_param(key: &str) -> bool {
        matches!(
            key.replace('_', "-").as_str(),
            "ssl-mode" | "ssl-ca" | "ssl-cert" | "ssl-key"
        )
    }

    /// Reads them from the URL's parameters: `Err` holds the parameter in
    /// error, for [`DbError::UnsupportedParam`](crate::DbError).
    pub(super) fn parse(params: &[(String, String)]) -> Result<TlsParams, String> {
        let mut tls = TlsParams {
            mode: SslMode::Preferred,
            mode_given: false,
            ca: None,
            cert: None,
            key: None,
        };
        for (key, value) in params {
            match key.replace('_', "-").as_str() {
                "ssl-mode" => {
                    tls.mode = SslMode::parse(value).ok_or_else(|| format!("{key}={value}"))?;
                    tls.mode_given = true;
                }
                "ssl-ca" => tls.ca = Some(value.clone()),
                "ssl-cert" => tls.cert = Some(value.clone()),
                "ssl-key" => tls.key = Some(value.clone()),
                _ => {}
            }
        }
        if !tls.mode_given && tls.ca.is_some() {
            // As the MySQL client: a CA without a mode verifies it.
            tls.mode = SslMode::VerifyCa;
        }
        Ok(tls)
    }
}

/// Connects as `tls` says (plain on a Unix socket): the connection, or the
/// reason it failed.
pub(super) fn connect(
    opts: OptsBuilder,
    tls: &TlsParams,
    socket: bool,
    host: &str,
) -> Result<Conn, String> {
    if socket || tls.mode == SslMode::Disabled {
        return plain(opts, tls);
    }
    #[cfg(not(feature = "tls"))]
    {
        let _ = host;
        match tls.mode {
            SslMode::Preferred => plain(opts, tls),
            mode => Err(tls::not_built(&MYSQL, mode.as_str())),
        }
    }
    #[cfg(feature = "tls")]
    {
        let (ssl, mut checked) = ssl_opts(tls)?;
        checked.host = host.to_owned();
        match Conn::new(opts.clone().ssl_opts(ssl)) {
            Ok(conn) => Ok(conn),
            Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported))
                if tls.mode == SslMode::Preferred =>
            {
                // The server offers no TLS: PREFERRED logs in without it,
                // on a new connection (the first one is past its greeting).
                plain(opts, tls)
            }
            Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported)) => Err(format!(
                "the server does not offer TLS, and ssl-mode={} requires it: enable TLS on the \
                 server (its ssl-cert and ssl-key), or set ssl-mode=PREFERRED",
                tls.mode.as_str()
            )),
            Err(e) => Err(match rustls_error(&e) {
                Some(found) => tls::explain(found, &checked),
                None => super::reason(&e),
            }),
        }
    }
}

/// The rustls error inside the driver's (whose `source` is not
/// implemented).
#[cfg(feature = "tls")]
fn rustls_error(e: &mysql::Error) -> Option<&rustls::Error> {
    match e {
        mysql::Error::IoError(e) => tls::find_rustls(e),
        mysql::Error::CodecError(e) => tls::find_rustls(e),
        mysql::Error::TlsError(e) => tls::find_rustls(e),
        _ => None,
    }
}

/// A connection without TLS; the hint for an `Access denied` when TLS was
/// turned off, since that is what the server says to a user created
/// `REQUIRE SSL`.
fn plain(opts: OptsBuilder, tls: &TlsParams) -> Result<Conn, String> {
    Conn::new(opts).map_err(|e| {
        let reason = super::reason(&e);
        match &e {
            mysql::Error::MySqlError(server)
                if server.code == 1045 && tls.mode == SslMode::Disabled =>
            {
                format!(
                    "{reason}\nif the user was created REQUIRE SSL (or X509), {}",
                    tls::requires_tls_hint(&MYSQL, tls.mode.as_str())
                )
            }
            _ => reason,
        }
    })
}

/// The driver's TLS options for `tls`, checking the files first (so that
/// a missing one is named), and what they check, for the errors.
#[cfg(feature = "tls")]
fn ssl_opts(tls: &TlsParams) -> Result<(mysql::SslOpts, tls::Checked), String> {
    use std::path::PathBuf;
    let mut ssl = mysql::SslOpts::default();
    let verify = match (tls.mode, &tls.ca) {
        (SslMode::Preferred, _) | (SslMode::Required, None) => tls::Verify::Nothing,
        (SslMode::VerifyIdentity, _) => tls::Verify::Full,
        _ => tls::Verify::Chain,
    };
    let roots = match (&tls.ca, verify) {
        (_, tls::Verify::Nothing) => format!("no CA (ssl-mode={} checks none)", tls.mode.as_str()),
        (Some(ca), _) => {
            tls::roots_from_file(MYSQL.root, std::path::Path::new(ca))?;
            ssl = ssl.with_root_cert_path(Some(PathBuf::from(ca)));
            format!("ssl-ca={ca}")
        }
        (None, _) => "the Mozilla CAs built into the driver (no ssl-ca set)".to_owned(),
    };
    ssl = match verify {
        tls::Verify::Nothing => ssl.with_danger_accept_invalid_certs(true),
        tls::Verify::Chain => ssl.with_danger_skip_domain_validation(true),
        tls::Verify::Full => ssl,
    };
    let identity = match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => {
            tls::load_certs(MYSQL.cert, std::path::Path::new(cert))?;
            tls::load_key(MYSQL.key, std::path::Path::new(key))?;
            Some(mysql::ClientIdentity::new(
                PathBuf::from(cert),
                PathBuf::from(key),
            ))
        }
        (Some(cert), None) => {
            return Err(format!(
                "ssl-cert={cert} is set but not ssl-key: set ssl-key to the PEM file of its \
                 private key"
            ));
        }
        (None, Some(key)) => {
            return Err(format!(
                "ssl-key={key} is set but not ssl-cert: set ssl-cert to the PEM file of the \
                 client certificate"
            ));
        }
        (None, None) => None,
    };
    let checked = tls::Checked {
        names: &MYSQL,
        mode: tls.mode.as_str().to_owned(),
        roots,
        host: String::new(),
        client_cert: identity.is_some(),
    };
    Ok((ssl.with_client_identity(identity), checked))
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
    fn ssl_mode_defaults_to_preferred_and_reads_any_case_and_spelling() {
        let tls = TlsParams::parse(&[]).unwrap();
        assert_eq!((tls.mode, tls.mode_given), (SslMode::Preferred, false));
        for (key, value, mode) in [
            ("ssl-mode", "disabled", SslMode::Disabled),
            ("ssl_mode", "Preferred", SslMode::Preferred),
            ("ssl-mode", "REQUIRED", SslMode::Required),
            ("ssl_mode", "verify_ca", SslMode::VerifyCa),
            ("ssl-mode", "VERIFY_IDENTITY", SslMode::VerifyIdentity),
        ] {
            assert_eq!(
                TlsParams::parse(&params(&[(key, value)])).unwrap().mode,
                mode
            );
        }
        assert_eq!(
            TlsParams::parse(&params(&[("ssl_mode", "verify-full")])).unwrap_err(),
            "ssl_mode=verify-full"
        );
    }

    #[test]
    fn a_ca_without_a_mode_verifies_it() {
        let tls = TlsParams::parse(&params(&[("ssl_ca", "/ca.pem")])).unwrap();
        assert_eq!(tls.mode, SslMode::VerifyCa);
        assert_eq!(tls.ca.as_deref(), Some("/ca.pem"));
        let tls =
            TlsParams::parse(&params(&[("ssl-ca", "/ca.pem"), ("ssl-mode", "REQUIRED")])).unwrap();
        assert_eq!(tls.mode, SslMode::Required);
        assert!(TlsParams::is_tls_param("ssl_key") && TlsParams::is_tls_param("ssl-cert"));
        assert!(!TlsParams::is_tls_param("socket"));
    }

    #[cfg(feature = "tls")]
    #[test]
    fn file_errors_name_the_parameter_and_path() {
        let tls = TlsParams::parse(&params(&[("ssl-ca", "/nonexistent/ca.pem")])).unwrap();
        let e = ssl_opts(&tls).unwrap_err();
        assert!(
            e.contains("ssl-ca=/nonexistent/ca.pem: the file does not exist"),
            "{e}"
        );
        let tls = TlsParams::parse(&params(&[("ssl-cert", "/c.pem")])).unwrap();
        assert!(ssl_opts(&tls).unwrap_err().contains("set ssl-key"));
        let tls = TlsParams::parse(&params(&[
            ("ssl-cert", "/nonexistent/c.pem"),
            ("ssl-key", "/k"),
        ]))
        .unwrap();
        assert!(
            ssl_opts(&tls)
                .unwrap_err()
                .contains("ssl-cert=/nonexistent/c.pem")
        );
    }
}
