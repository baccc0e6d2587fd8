#ifndef KEYOPS_AUTH_POLICIES_HPP
#define KEYOPS_AUTH_POLICIES_HPP

// Every auth policy: no_auth and static_token (auth/static_token.hpp), ciphertrust_auth
// (auth/ciphertrust.hpp), network_insight_auth and network_insight_csp_auth
// (auth/network_insight.hpp). What a policy provides, and how the client uses it, is in
// auth/concept.hpp.

#include <keyops/auth/ciphertrust.hpp>
#include <keyops/auth/concept.hpp>
#include <keyops/auth/credentials.hpp>
#include <keyops/auth/network_insight.hpp>
#include <keyops/auth/static_token.hpp>

#endif
