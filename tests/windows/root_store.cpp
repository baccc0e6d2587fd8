// Puts a certificate into the current user's ROOT certificate store, or takes it out again, for
// the test of tls_options::use_system_store on Windows (scripts/platforms/windows runs it under
// Wine, in a Wine prefix of the build's own, never the machine's trust store).
//
//     keyops_root_store add|remove CERT.pem
//     keyops_root_store purge TEXT      every certificate whose subject holds TEXT, taken out
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

namespace {

// The DER form of the PEM certificate in `path`; empty when there is none.
std::vector<BYTE> read_pem(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string pem = text.str();
    DWORD size = 0;
    if (pem.empty() ||
        !::CryptStringToBinaryA(pem.data(), static_cast<DWORD>(pem.size()),
                                CRYPT_STRING_BASE64HEADER, nullptr, &size, nullptr, nullptr))
        return {};
    std::vector<BYTE> der(size);
    if (!::CryptStringToBinaryA(pem.data(), static_cast<DWORD>(pem.size()),
                                CRYPT_STRING_BASE64HEADER, der.data(), &size, nullptr, nullptr))
        return {};
    der.resize(size);
    return der;
}

bool add(HCERTSTORE root, const std::vector<BYTE>& der) {
    return ::CertAddEncodedCertificateToStore(root, X509_ASN_ENCODING, der.data(),
                                              static_cast<DWORD>(der.size()),
                                              CERT_STORE_ADD_REPLACE_EXISTING, nullptr) != 0;
}

bool remove(HCERTSTORE root, const std::vector<BYTE>& der) {
    PCCERT_CONTEXT cert = ::CertCreateCertificateContext(X509_ASN_ENCODING, der.data(),
                                                         static_cast<DWORD>(der.size()));
    if (!cert)
        return false;
    PCCERT_CONTEXT found =
        ::CertFindCertificateInStore(root, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, cert, nullptr);
    ::CertFreeCertificateContext(cert);
    return !found || ::CertDeleteCertificateFromStore(found) != 0; // absent: nothing to do
}

bool purge(HCERTSTORE root, const char* text) {
    // Found first, then deleted: a store changed while it is enumerated may enumerate anew.
    std::vector<PCCERT_CONTEXT> found;
    for (PCCERT_CONTEXT c = ::CertEnumCertificatesInStore(root, nullptr); c;
         c = ::CertEnumCertificatesInStore(root, c)) {
        char subject[1024];
        ::CertNameToStrA(X509_ASN_ENCODING, &c->pCertInfo->Subject, CERT_X500_NAME_STR, subject,
                         sizeof subject);
        if (std::strstr(subject, text))
            found.push_back(::CertDuplicateCertificateContext(c));
    }
    bool ok = true;
    for (PCCERT_CONTEXT c : found)
        if (!::CertDeleteCertificateFromStore(c))
            ok = false;
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    const std::string what = argc == 3 ? argv[1] : "";
    if (what != "add" && what != "remove" && what != "purge") {
        std::fprintf(stderr, "usage: keyops_root_store add|remove CERT.pem | purge TEXT\n");
        return 2;
    }
    std::vector<BYTE> der;
    if (what != "purge" && (der = read_pem(argv[2])).empty()) {
        std::fprintf(stderr, "keyops_root_store: no PEM certificate in %s\n", argv[2]);
        return 2;
    }
    // The current user's ROOT store in the registry itself: the store CertOpenSystemStore opens
    // is a collection over it, from which Wine deletes a certificate for that handle only.
    HCERTSTORE root = ::CertOpenStore(CERT_STORE_PROV_SYSTEM_REGISTRY_W, 0, 0,
                                      CERT_SYSTEM_STORE_CURRENT_USER, L"Root");
    if (!root) {
        std::fprintf(stderr, "keyops_root_store: cannot open the ROOT store (error %lu)\n",
                     ::GetLastError());
        return 1;
    }
    const bool done = what == "add"      ? add(root, der)
                      : what == "remove" ? remove(root, der)
                                         : purge(root, argv[2]);
    if (!done)
        std::fprintf(stderr, "keyops_root_store: %s failed (error %lu)\n", what.c_str(),
                     ::GetLastError());
    ::CertCloseStore(root, 0);
    return done ? 0 : 1;
}
