// Puts a certificate into the current user's ROOT certificate store, or takes it out again, for
// the test of tls_options::use_system_store on Windows (scripts/platforms/windows runs it under
// Wine, in a Wine prefix of the build's own, never the machine's trust store).
//
//     keyops_root_store add|remove CERT.pem
//
// Exits 0 when done, 1 when the store refused, 2 for a wrong command line or file.

#include <windows.h>
// After <windows.h>:
#include <wincrypt.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 3 || (std::strcmp(argv[1], "add") != 0 && std::strcmp(argv[1], "remove") != 0)) {
        std::fprintf(stderr, "usage: keyops_root_store add|remove CERT.pem\n");
        return 2;
    }
    std::ifstream in(argv[2], std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string pem = text.str();
    DWORD size = 0;
    if (pem.empty() ||
        !::CryptStringToBinaryA(pem.data(), static_cast<DWORD>(pem.size()),
                                CRYPT_STRING_BASE64HEADER, nullptr, &size, nullptr, nullptr)) {
        std::fprintf(stderr, "keyops_root_store: no PEM certificate in %s\n", argv[2]);
        return 2;
    }
    std::vector<BYTE> der(size);
    ::CryptStringToBinaryA(pem.data(), static_cast<DWORD>(pem.size()), CRYPT_STRING_BASE64HEADER,
                           der.data(), &size, nullptr, nullptr);

    HCERTSTORE root = ::CertOpenSystemStoreW(0, L"ROOT");
    if (!root) {
        std::fprintf(stderr, "keyops_root_store: cannot open the ROOT store (error %lu)\n",
                     ::GetLastError());
        return 1;
    }
    bool done = false;
    if (std::strcmp(argv[1], "add") == 0) {
        done = ::CertAddEncodedCertificateToStore(root, X509_ASN_ENCODING, der.data(), size,
                                                  CERT_STORE_ADD_REPLACE_EXISTING, nullptr) != 0;
    } else if (PCCERT_CONTEXT cert =
                   ::CertCreateCertificateContext(X509_ASN_ENCODING, der.data(), size)) {
        PCCERT_CONTEXT found = ::CertFindCertificateInStore(root, X509_ASN_ENCODING, 0,
                                                            CERT_FIND_EXISTING, cert, nullptr);
        done = !found || ::CertDeleteCertificateFromStore(found) != 0; // absent: nothing to do
        ::CertFreeCertificateContext(cert);
    }
    if (!done)
        std::fprintf(stderr, "keyops_root_store: %s failed (error %lu)\n", argv[1],
                     ::GetLastError());
    ::CertCloseStore(root, 0);
    return done ? 0 : 1;
}
