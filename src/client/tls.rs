//! Which servers to trust: the built-in Mozilla roots, plus a `ca_certificate` (GHES behind a
//! private CA), checked to be usable as trust anchors before any request.

use ureq::tls::{Certificate, PemItem, RootCerts, parse_pem};

/// The certificates of a `ca_certificate` input, checked to be usable as trust anchors.
///
/// Refuses text without a certificate, PEM that does not decode, certificates that do not
/// parse, and private keys (a key pasted by mistake must not be sent anywhere or kept).
pub fn extra_roots(pem: &str) -> Result<Vec<Certificate<'static>>, String> {
    let mut certs = Vec::new();
    for (i, item) in parse_pem(pem.as_bytes()).enumerate() {
        match item {
            Ok(PemItem::Certificate(cert)) => {
                let der = rustls::pki_types::CertificateDer::from(cert.der().to_vec());
                rustls::RootCertStore::empty().add(der).map_err(|e| {
                    format!("PEM block {} is not a usable CA certificate ({e})", i + 1)
                })?;
                certs.push(cert);
            }
            Ok(PemItem::PrivateKey(_)) => {
                return Err(
                    "contains a private key; pass only the CA certificate(s), never a key"
                        .to_string(),
                );
            }
            Ok(_) => {}
            Err(e) => return Err(format!("PEM block {} does not decode ({e})", i + 1)),
        }
    }
    if certs.is_empty() {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_string());
    }
    Ok(certs)
}

/// The roots to trust: the built-in Mozilla roots (as webpki-roots has them), plus `extra`.
///
/// ureq takes one list of root certificates, so adding a CA means listing the built-in ones
/// too, in DER, which the `webpki-root-certs` crate provides (same CCADB source as ureq's
/// default `webpki-roots`).
pub fn root_certs(extra: Vec<Certificate<'static>>) -> RootCerts {
    let builtin = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()));
    RootCerts::from(builtin.chain(extra))
}

/// Whether an I/O error is rustls refusing the server (not worth a retry).
pub fn is_tls_failure(io: &std::io::Error) -> bool {
    io.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_roots_are_added_to_the_builtin_ones() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let pem = params.self_signed(&key).unwrap().pem();
        let extra = extra_roots(&format!("{pem}{pem}")).unwrap();
        assert_eq!(extra.len(), 2);
        let builtin = webpki_root_certs::TLS_SERVER_ROOT_CERTS.len();
        assert!(builtin > 100, "{builtin}");
        match root_certs(extra) {
            RootCerts::Specific(all) => {
                assert_eq!(all.len(), builtin + 2);
                // Every built-in root parses as a trust anchor, as rustls will need it to.
                let mut store = rustls::RootCertStore::empty();
                let ders = all
                    .iter()
                    .map(|c| rustls::pki_types::CertificateDer::from(c.der().to_vec()));
                assert_eq!(store.add_parsable_certificates(ders), (builtin + 2, 0));
            }
            other => panic!("{other:?}"),
        }
        let e = extra_roots("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .unwrap_err();
        assert!(e.contains("not a usable CA certificate"), "{e}");
        let e = extra_roots("hello").unwrap_err();
        assert!(e.contains("holds no PEM certificate"), "{e}");
        let e = extra_roots(&format!("{pem}{}", key.serialize_pem())).unwrap_err();
        assert!(e.contains("private key"), "{e}");
    }
}
