#ifndef KEYOPS_TRANSPORT_DETAIL_SYSTEM_STORE_WIN32_HPP
#define KEYOPS_TRANSPORT_DETAIL_SYSTEM_STORE_WIN32_HPP

// The Windows trust store for OpenSSL, which reads certificate files and directories only and
// knows no Windows certificate store: tls_options::use_system_store loads the certificates of the
// ROOT system store through CryptoAPI into the context's X509_STORE. The ROOT store opened so is
// the current user's view, which holds the machine's trusted roots as well. Windows fetches some
// roots only when its own TLS first needs them (automatic root update): a root it has not fetched
// yet is not in the store. Empty elsewhere.

#ifdef _WIN32

// Asio's first: it includes <winsock2.h> and <windows.h> as it needs them (lean, without the
// min and max macros), and OpenSSL's headers.
#include <boost/asio/ssl/context.hpp>

#include <openssl/err.h>
#include <openssl/x509.h>

#include <wincrypt.h>

// <wincrypt.h> defines these as CryptoAPI's structure identifiers; they are OpenSSL's types.
#undef X509_NAME
#undef X509_EXTENSIONS
#undef X509_CERT_PAIR
#undef PKCS7_ISSUER_AND_SERIAL
#undef PKCS7_SIGNER_INFO
#undef OCSP_REQUEST
#undef OCSP_RESPONSE

namespace keyops::detail {

/// Adds the X.509 certificates of the Windows ROOT system store to `store`: how many were added
/// (one already there counts), or -1 when the ROOT store cannot be opened. A certificate OpenSSL
/// cannot read is passed over.
inline int add_windows_root_certificates(X509_STORE* store) {
    HCERTSTORE root = ::CertOpenSystemStoreW(0, L"ROOT");
    if (!root)
        return -1;
    int added = 0;
    for (PCCERT_CONTEXT c = ::CertEnumCertificatesInStore(root, nullptr); c;
         c = ::CertEnumCertificatesInStore(root, c)) {
        if ((c->dwCertEncodingType & X509_ASN_ENCODING) == 0)
            continue;
        const unsigned char* der = c->pbCertEncoded;
        X509* cert = ::d2i_X509(nullptr, &der, static_cast<long>(c->cbCertEncoded));
        if (!cert)
            continue;
        if (::X509_STORE_add_cert(store, cert) == 1)
            ++added;
        ::X509_free(cert);
    }
    ::CertCloseStore(root, 0);
    ::ERR_clear_error(); // what a certificate passed over left
    return added;
}

} // namespace keyops::detail

#endif // _WIN32

#endif
