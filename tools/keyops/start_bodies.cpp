#include "start_bodies.hpp"

#include <algorithm>

namespace keyops_cli {

namespace cckm = keyops::cckm;

bool has_typed_start_flags(const command_args& a) {
    return std::any_of(start_valued_flags.begin(), start_valued_flags.end(),
                       [&](const std::string& f) { return a.has(f); }) ||
           std::any_of(start_switch_flags.begin(), start_switch_flags.end(),
                       [&](const std::string& f) { return a.has(f); });
}

namespace {

// Refuses the typed flags that are not `allowed` for this kind.
void only(const command_args& a, std::string_view kind, std::vector<std::string> allowed) {
    for (const auto* list : {&start_valued_flags, &start_switch_flags})
        for (const auto& f : *list)
            if (a.has(f) && std::find(allowed.begin(), allowed.end(), f) == allowed.end()) {
                std::string takes;
                for (const auto& x : allowed)
                    takes += (takes.empty() ? "" : ", ") + x;
                throw usage_error("jobs start " + std::string(kind) + " does not take " + f +
                                  "; it takes " + takes + " (or --body)");
            }
}

// The resources of a sync body, and --all: one of the two is needed.
std::vector<std::string> resources(const command_args& a, std::string_view kind,
                                   const std::string& flag) {
    auto v = a.values(flag);
    if (v.empty() && !a.has("--all"))
        throw usage_error("jobs start " + std::string(kind) + " needs " + flag +
                          " NAME (repeatable) or --all");
    return v;
}

// A body that lists resources under `flag` (repeatable) or synchronizes all, plus the kind's
// `extra` flags.
template <class Body>
Body resources_body(const command_args& a, std::string_view kind, const std::string& flag,
                    std::vector<std::string> Body::*list, std::vector<std::string> extra = {}) {
    extra.push_back(flag);
    extra.push_back("--all");
    only(a, kind, extra);
    Body b;
    b.*list = resources(a, kind, flag);
    b.synchronize_all = a.has("--all");
    return b;
}

} // namespace

template <>
cckm::aws_sync_body make_start_body(const command_args& a, std::string_view kind) {
    auto b = resources_body(a, kind, "--kms", &cckm::aws_sync_body::kms, {"--region"});
    b.regions = a.values("--region");
    return b;
}

template <>
cckm::azure_sync_body make_start_body(const command_args& a, std::string_view kind) {
    auto b = resources_body(a, kind, "--key-vault", &cckm::azure_sync_body::key_vaults,
                            {"--take-cloud-key-backup"});
    if (a.has("--take-cloud-key-backup"))
        b.take_cloud_key_backup = true;
    return b;
}

template <>
cckm::google_sync_body make_start_body(const command_args& a, std::string_view kind) {
    return resources_body(a, kind, "--key-ring", &cckm::google_sync_body::key_rings);
}

template <>
cckm::sap_sync_body make_start_body(const command_args& a, std::string_view kind) {
    return resources_body(a, kind, "--group", &cckm::sap_sync_body::groups);
}

template <>
cckm::domains_refresh_body make_start_body(const command_args& a, std::string_view kind) {
    return resources_body(a, kind, "--domain", &cckm::domains_refresh_body::domains);
}

template <>
cckm::oci_sync_body make_start_body(const command_args& a, std::string_view kind) {
    only(a, kind, {"--vault", "--oci-vault", "--all"});
    cckm::oci_sync_body b;
    b.vaults = a.values("--vault");
    b.oci_vaults = a.values("--oci-vault");
    if (b.vaults.empty() && b.oci_vaults.empty() && !a.has("--all"))
        throw usage_error("jobs start " + std::string(kind) +
                          " needs --vault NAME (or --oci-vault NAME; repeatable) or --all");
    b.synchronize_all = a.has("--all");
    return b;
}

template <>
cckm::update_all_versions_body make_start_body(const command_args& a, std::string_view kind) {
    only(a, kind, {"--key-id", "--operation"});
    cckm::update_all_versions_body b;
    const auto key = a.value("--key-id");
    const auto op = a.value("--operation");
    if (!key || key->empty() || !op)
        throw usage_error("jobs start " + std::string(kind) +
                          " needs --key-id ID and --operation enable|disable|schedule_destroy|"
                          "cancel_destroy");
    b.key_id = *key;
    if (*op == "enable")
        b.operation = cckm::key_version_operation::enable;
    else if (*op == "disable")
        b.operation = cckm::key_version_operation::disable;
    else if (*op == "schedule_destroy")
        b.operation = cckm::key_version_operation::schedule_destroy;
    else if (*op == "cancel_destroy")
        b.operation = cckm::key_version_operation::cancel_destroy;
    else
        throw usage_error("--operation must be enable, disable, schedule_destroy or "
                          "cancel_destroy, not '" +
                          *op + "'");
    return b;
}

} // namespace keyops_cli
