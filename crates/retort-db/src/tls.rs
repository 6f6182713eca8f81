//! TLS for the server drivers, shared by PostgreSQL and MySQL/MariaDB:
//! reading the PEM files the URL names, the certificate verifiers, and the
//! wording of the errors (which say what failed and which URL parameter to
//! set). The rustls parts need the `tls` cargo feature; the wording that a
//! plain connection also needs (a server that requires TLS, a build
//! without TLS) does not.
//!
//! The verifiers, for [`Verify`]:
//! - [`Verify::Nothing`] (`sslmode=require`, `ssl-mode=REQUIRED`):
//!   [`NoCertificateCheck`] accepts any certificate, but still checks the
//!   handshake's signatures, so the session is encrypted with the key of
//!   the certificate the server sent;
//! - [`Verify::Chain`] (`verify-ca`, `VERIFY_CA`): rustls' webpki
//!   verifier, whose error for a host name the certificate does not name is
//!   ignored, and only that error (the chain, the dates and the signatures
//!   are checked before the name);
//! - [`Verify::Full`] (`verify-full`, `VERIFY_IDENTITY`): the webpki
//!   verifier as it is.

/// How the server's certificate is checked.
#[cfg(feature = "tls")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verify {
    /// Encrypt, check no certificate (only the handshake's signatures).
    Nothing,
    /// Check that a trusted CA signed the certificate, not the host name.
    Chain,
    /// Check the CA and that the certificate names the host.
    Full,
}

/// The names of the URL parameters and modes of one database, for messages.
#[derive(Debug)]
#[cfg_attr(not(feature = "tls"), allow(dead_code))]
pub(crate) struct Names {
    /// `sslmode` or `ssl-mode`.
    pub mode: &'static str,
    /// `sslrootcert` or `ssl-ca`.
    pub root: &'static str,
    /// `sslcert` or `ssl-cert`.
    pub cert: &'static str,
    /// `sslkey` or `ssl-key`.
    pub key: &'static str,
    /// `disable` or `DISABLED`.
    #[cfg_attr(feature = "tls", allow(dead_code))]
    pub disable: &'static str,
    /// `require` or `REQUIRED`.
    pub require: &'static str,
    /// `verify-ca` or `VERIFY_CA`.
    pub verify_ca: &'static str,
}

/// PostgreSQL's (libpq's) names.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) const PG: Names = Names {
    mode: "sslmode",
    root: "sslrootcert",
    cert: "sslcert",
    key: "sslkey",
    disable: "disable",
    require: "require",
    verify_ca: "verify-ca",
};

/// The MySQL client's names.
#[cfg_attr(not(feature = "mysql"), allow(dead_code))]
pub(crate) const MYSQL: Names = Names {
    mode: "ssl-mode",
    root: "ssl-ca",
    cert: "ssl-cert",
    key: "ssl-key",
    disable: "DISABLED",
    require: "REQUIRED",
    verify_ca: "VERIFY_CA",
};

/// The error for a mode that needs TLS in a build without it.
#[cfg_attr(feature = "tls", allow(dead_code))]
pub(crate) fn not_built(names: &Names, mode: &str) -> String {
    format!(
        "{}={mode} needs TLS, but this build of retort was compiled without the `tls` cargo \
         feature: rebuild it with default features (or `--features tls`), or set {}={} \
         on a network you trust",
        names.mode, names.mode, names.disable
    )
}

/// The hint for a server that refused a plain login because it requires TLS.
pub(crate) fn requires_tls_hint(names: &Names, mode: &str) -> String {
    format!(
        "the server requires TLS: remove {}={mode} or set {}={}",
        names.mode, names.mode, names.require
    )
}

#[cfg(feature = "tls")]
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    allow(unused_imports)
)]
pub(crate) use with_rustls::*;

// Some helpers serve PostgreSQL only (the provider, `sslrootcert=system`).
#[cfg(feature = "tls")]
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
mod with_rustls {
    use std::path::Path;
    use std::sync::Arc;

    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
    use rustls::{
        AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore,
        SignatureScheme,
    };

    use super::{Names, Verify};

    /// The ring provider: the only one retort builds (no aws-lc-rs).
    pub(crate) fn provider() -> Arc<CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// The certificates of the PEM file `path`, which the URL parameter
    /// `param` names; an error names both when it cannot be read or holds
    /// none.
    pub(crate) fn load_certs(
        param: &str,
        path: &Path,
    ) -> Result<Vec<CertificateDer<'static>>, String> {
        let bytes = read(param, path)?;
        let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<_, _>>()
            .map_err(|e| {
                format!(
                    "{param}={} is not a PEM certificate file ({e})",
                    path.display()
                )
            })?;
        if certs.is_empty() {
            return Err(format!(
                "{param}={} holds no certificate (no -----BEGIN CERTIFICATE----- block)",
                path.display()
            ));
        }
        Ok(certs)
    }

    /// The private key of the PEM file `path` (PKCS#8, PKCS#1 or SEC1).
    pub(crate) fn load_key(param: &str, path: &Path) -> Result<PrivateKeyDer<'static>, String> {
        let bytes = read(param, path)?;
        PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| {
            format!(
                "{param}={} holds no PEM private key ({e:?})",
                path.display()
            )
        })
    }

    fn read(param: &str, path: &Path) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| {
            let what = match e.kind() {
                std::io::ErrorKind::NotFound => "does not exist".to_owned(),
                std::io::ErrorKind::PermissionDenied => "cannot be read (permission denied)".into(),
                _ => format!("cannot be read ({e})"),
            };
            format!("{param}={}: the file {what}", path.display())
        })
    }

    /// A root store of the CA certificates in `path`.
    pub(crate) fn roots_from_file(param: &str, path: &Path) -> Result<RootCertStore, String> {
        let mut roots = RootCertStore::empty();
        for cert in load_certs(param, path)? {
            roots.add(cert).map_err(|e| {
                format!(
                    "{param}={}: a certificate in it is not a usable CA certificate ({e})",
                    path.display()
                )
            })?;
        }
        Ok(roots)
    }

    /// A root store of the operating system's trusted CAs.
    pub(crate) fn system_roots(param: &str) -> Result<RootCertStore, String> {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        let (added, _) = roots.add_parsable_certificates(found.certs);
        if added == 0 {
            let why = found
                .errors
                .first()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            return Err(format!(
                "{param}=system: no trusted CA certificate was found in the operating system's \
                 store{why}; install the ca-certificates package or name a PEM file"
            ));
        }
        Ok(roots)
    }

    /// A client configuration that checks the server as `verify` says,
    /// against `roots` (required unless `verify` is [`Verify::Nothing`]),
    /// with the client certificate `identity` if any.
    pub(crate) fn client_config(
        verify: Verify,
        roots: Option<RootCertStore>,
        identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
        names: &Names,
    ) -> Result<ClientConfig, String> {
        let provider = provider();
        let verifier: Arc<dyn ServerCertVerifier> = match (verify, roots) {
            (Verify::Nothing, _) => Arc::new(NoCertificateCheck(
                provider.signature_verification_algorithms,
            )),
            (_, None) => {
                return Err(format!("{} is needed to verify the server", names.root));
            }
            (verify, Some(roots)) => {
                let webpki =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .map_err(|e| format!("{}: {e}", names.root))?;
                match verify {
                    Verify::Chain => Arc::new(ChainOnly(webpki)),
                    _ => webpki,
                }
            }
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        match identity {
            Some((certs, key)) => builder.with_client_auth_cert(certs, key).map_err(|e| {
                format!(
                    "{} and {} do not make a usable client certificate ({e})",
                    names.cert, names.key
                )
            }),
            None => Ok(builder.with_no_client_auth()),
        }
    }

    /// `sslmode=require`: any certificate, but the handshake's signatures
    /// are checked against it.
    #[derive(Debug)]
    pub(crate) struct NoCertificateCheck(WebPkiSupportedAlgorithms);

    impl ServerCertVerifier for NoCertificateCheck {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp_response: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_schemes()
        }
    }

    /// `sslmode=verify-ca`: webpki's verification, its name mismatch
    /// ignored (webpki checks the chain, dates and usage before the name).
    #[derive(Debug)]
    pub(crate) struct ChainOnly(Arc<WebPkiServerVerifier>);

    impl ServerCertVerifier for ChainOnly {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            match self.0.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }

    /// What the connection checked, for [`explain`].
    #[derive(Clone, Debug)]
    pub(crate) struct Checked {
        /// The parameter names.
        pub names: &'static Names,
        /// The mode's value as the user wrote it (or the default).
        pub mode: String,
        /// The trusted CAs, as a parameter: `sslrootcert=/path/ca.pem`.
        pub roots: String,
        /// The host name checked.
        pub host: String,
        /// Whether a client certificate was sent.
        pub client_cert: bool,
    }

    /// The rustls error in `e` or its sources, if any.
    pub(crate) fn find_rustls<'a>(
        e: &'a (dyn std::error::Error + 'static),
    ) -> Option<&'a rustls::Error> {
        let mut next = Some(e);
        while let Some(e) = next {
            if let Some(found) = e.downcast_ref::<rustls::Error>() {
                return Some(found);
            }
            if let Some(inner) = e
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| find_rustls(inner))
            {
                return Some(inner);
            }
            next = e.source();
        }
        None
    }

    /// `localhost` for rustls' `DnsName("localhost")`, `IpAddress(..)`...
    fn presented_name(presented: &str) -> &str {
        presented
            .split_once('(')
            .map_or(presented, |(_, inner)| inner)
            .trim_end_matches(')')
            .trim_matches('"')
    }

    /// What a TLS failure means and which parameter to set.
    pub(crate) fn explain(e: &rustls::Error, checked: &Checked) -> String {
        let n = checked.names;
        // Under require, a CA file is what turns the check on.
        let skip = match checked.mode.eq_ignore_ascii_case(n.require) {
            true => format!("or remove {} to skip verification", n.root),
            false => format!("or {}={} to skip verification", n.mode, n.require),
        };
        match e {
            rustls::Error::InvalidCertificate(cert) => match cert {
                CertificateError::UnknownIssuer => format!(
                    "the server's certificate is not signed by a CA in {} (UnknownIssuer): \
                     set {} to the CA that signed it, {skip}",
                    checked.roots, n.root
                ),
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => {
                    let presented = match cert {
                        CertificateError::NotValidForNameContext { presented, .. }
                            if !presented.is_empty() =>
                        {
                            let names: Vec<&str> =
                                presented.iter().map(|p| presented_name(p)).collect();
                            format!(" (it names {})", names.join(", "))
                        }
                        _ => String::new(),
                    };
                    format!(
                        "the server's certificate is not valid for the host name {}{presented}: \
                         {}={} checks that the certificate names the host; connect with a host \
                         name it names, or set {}={} to check only that a CA in {} signed it",
                        checked.host, n.mode, checked.mode, n.mode, n.verify_ca, checked.roots
                    )
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => format!(
                    "the server's certificate has expired ({cert:?}): renew it on the server, {skip}"
                ),
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    format!(
                        "the server's certificate is not valid yet ({cert:?}): check the clocks \
                         of the server and of this machine, {skip}"
                    )
                }
                other => format!(
                    "the server's certificate was rejected ({other:?}) while checking it against \
                     {}: set {} to the CA that signed it, {skip}",
                    checked.roots, n.root
                ),
            },
            rustls::Error::AlertReceived(alert) => {
                let client = match (alert, checked.client_cert) {
                    (
                        AlertDescription::CertificateRequired
                        | AlertDescription::HandshakeFailure
                        | AlertDescription::BadCertificate
                        | AlertDescription::UnknownCA,
                        false,
                    ) => format!(
                        ": the server may require a client certificate: set {} and {}",
                        n.cert, n.key
                    ),
                    (
                        AlertDescription::BadCertificate
                        | AlertDescription::UnknownCA
                        | AlertDescription::CertificateUnknown
                        | AlertDescription::DecryptError,
                        true,
                    ) => format!(
                        ": the server did not accept the client certificate in {}: it must be \
                         signed by a CA the server trusts (its ssl_ca_file or ssl-ca)",
                        n.cert
                    ),
                    _ => String::new(),
                };
                format!("the server ended the TLS handshake ({alert:?}){client}")
            }
            other => format!("TLS failed: {other}"),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::super::{MYSQL, PG};
        use super::*;

        fn checked(names: &'static Names, mode: &str) -> Checked {
            Checked {
                names,
                mode: mode.to_owned(),
                roots: format!("{}=/ca.pem", names.root),
                host: "127.0.0.1".to_owned(),
                client_cert: false,
            }
        }

        #[test]
        fn errors_say_what_failed_and_what_to_set() {
            let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
            assert_eq!(
                explain(&unknown, &checked(&PG, "verify-full")),
                "the server's certificate is not signed by a CA in sslrootcert=/ca.pem \
                 (UnknownIssuer): set sslrootcert to the CA that signed it, or sslmode=require \
                 to skip verification"
            );
            let text = explain(&unknown, &checked(&MYSQL, "REQUIRED"));
            assert!(
                text.ends_with("or remove ssl-ca to skip verification"),
                "{text}"
            );
            let name =
                rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext {
                    expected: ServerName::try_from("127.0.0.1").unwrap(),
                    presented: vec!["DnsName(\"localhost\")".to_owned()],
                });
            let text = explain(&name, &checked(&MYSQL, "VERIFY_IDENTITY"));
            assert!(
                text.starts_with(
                    "the server's certificate is not valid for the host name 127.0.0.1 \
                     (it names localhost): ssl-mode=VERIFY_IDENTITY checks"
                ),
                "{text}"
            );
            assert!(text.contains("set ssl-mode=VERIFY_CA"), "{text}");
            let alert = rustls::Error::AlertReceived(AlertDescription::CertificateRequired);
            let text = explain(&alert, &checked(&PG, "verify-full"));
            assert!(text.contains("set sslcert and sslkey"), "{text}");
        }
    }
}

/// rustls under tokio-postgres (its `MakeTlsConnect`): the handshake's
/// errors come back worded by [`explain`]. No channel binding is offered
/// (SCRAM runs without `-PLUS`, as with `channel_binding=prefer` when the
/// client cannot bind).
#[cfg(all(feature = "tls", feature = "postgres"))]
pub(crate) mod postgres_tls {
    use std::future::Future;
    use std::io;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll};

    use postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
    use rustls::ClientConfig;
    use rustls::pki_types::ServerName;
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    use super::{Checked, explain, find_rustls};

    /// A handshake that failed, worded for the user.
    #[derive(Debug)]
    pub(crate) struct HandshakeError(pub String);

    impl std::fmt::Display for HandshakeError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for HandshakeError {}

    /// Makes a TLS connection for each host tokio-postgres tries.
    #[derive(Clone)]
    pub(crate) struct MakeRustls {
        config: Arc<ClientConfig>,
        checked: Arc<Checked>,
    }

    impl MakeRustls {
        pub(crate) fn new(config: ClientConfig, checked: Checked) -> MakeRustls {
            MakeRustls {
                config: Arc::new(config),
                checked: Arc::new(checked),
            }
        }
    }

    impl<S> MakeTlsConnect<S> for MakeRustls
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        type Stream = RustlsStream<S>;
        type TlsConnect = RustlsConnect;
        type Error = HandshakeError;

        fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, HandshakeError> {
            let name = ServerName::try_from(domain.to_owned()).map_err(|_| {
                HandshakeError(format!(
                    "{domain:?} is not a host name or IP address that TLS can check"
                ))
            })?;
            let mut checked = (*self.checked).clone();
            checked.host = domain.to_owned();
            Ok(RustlsConnect {
                connector: tokio_rustls::TlsConnector::from(self.config.clone()),
                name,
                checked,
            })
        }
    }

    /// One TLS handshake.
    pub(crate) struct RustlsConnect {
        connector: tokio_rustls::TlsConnector,
        name: ServerName<'static>,
        checked: Checked,
    }

    impl<S> TlsConnect<S> for RustlsConnect
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        type Stream = RustlsStream<S>;
        type Error = HandshakeError;
        type Future = Pin<Box<dyn Future<Output = Result<RustlsStream<S>, HandshakeError>> + Send>>;

        fn connect(self, stream: S) -> Self::Future {
            Box::pin(async move {
                let RustlsConnect {
                    connector,
                    name,
                    checked,
                } = self;
                connector
                    .connect(name, stream)
                    .await
                    .map(|s| RustlsStream(Box::new(s)))
                    .map_err(|e| {
                        HandshakeError(match find_rustls(&e) {
                            Some(tls) => explain(tls, &checked),
                            None => e.to_string(),
                        })
                    })
            })
        }
    }

    /// The encrypted stream.
    pub(crate) struct RustlsStream<S>(Box<tokio_rustls::client::TlsStream<S>>);

    impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut *self.0).poll_read(cx, buf)
        }
    }

    impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut *self.0).poll_write(cx, buf)
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut *self.0).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut *self.0).poll_shutdown(cx)
        }
    }

    impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream for RustlsStream<S> {
        fn channel_binding(&self) -> ChannelBinding {
            ChannelBinding::none()
        }
    }
}
