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

} // namespace

cckm::aws_sync_body make_start_body(const command_args& a, std::string_view kind,
                                    body_tag<cckm::aws_sync_body>) {
    only(a, kind, {"--kms", "--region", "--all"});
    cckm::aws_sync_body b;
    b.kms = resources(a, kind, "--kms");
    b.regions = a.values("--region");
    b.synchronize_all = a.has("--all");
    return b;
}

cckm::azure_sync_body make_start_body(const command_args& a, std::string_view kind,
                                      body_tag<cckm::azure_sync_body>) {
    only(a, kind, {"--key-vault", "--all", "--take-cloud-key-backup"});
    cckm::azure_sync_body b;
    b.key_vaults = resources(a, kind, "--key-vault");
    b.synchronize_all = a.has("--all");
    if (a.has("--take-cloud-key-backup"))
        b.take_cloud_key_backup = true;
    return b;
}

cckm::google_sync_body make_start_body(const command_args& a, std::string_view kind,
                                       body_tag<cckm::google_sync_body>) {
    only(a, kind, {"--key-ring", "--all"});
    cckm::google_sync_body b;
    b.key_rings = resources(a, kind, "--key-ring");
    b.synchronize_all = a.has("--all");
    return b;
}

cckm::oci_sync_body make_start_body(const command_args& a, std::string_view kind,
                                    body_tag<cckm::oci_sync_body>) {
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

cckm::sap_sync_body make_start_body(const command_args& a, std::string_view kind,
                                    body_tag<cckm::sap_sync_body>) {
    only(a, kind, {"--group", "--all"});
    cckm::sap_sync_body b;
    b.groups = resources(a, kind, "--group");
    b.synchronize_all = a.has("--all");
    return b;
}

cckm::domains_refresh_body make_start_body(const command_args& a, std::string_view kind,
                                           body_tag<cckm::domains_refresh_body>) {
    only(a, kind, {"--domain", "--all"});
    cckm::domains_refresh_body b;
    b.domains = resources(a, kind, "--domain");
    b.synchronize_all = a.has("--all");
    return b;
}

cckm::update_all_versions_body make_start_body(const command_args& a, std::string_view kind,
                                               body_tag<cckm::update_all_versions_body>) {
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
