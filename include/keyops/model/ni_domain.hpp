#ifndef KEYOPS_MODEL_NI_DOMAIN_HPP
#define KEYOPS_MODEL_NI_DOMAIN_HPP

// Network Insight's user domains, as its token request names them (`domain_type`): shared by the
// token request's body (endpoint/network_insight.hpp) and the credentials a program configures
// (auth/credentials.hpp).

namespace keyops::ni {

/// Network Insight's user domains: local users, or LDAP users of a named domain.
enum class domain_type { local, ldap };

} // namespace keyops::ni

#endif
