#ifndef KEYOPS_ENDPOINT_CCKM_KINDS_HPP
#define KEYOPS_ENDPOINT_CCKM_KINDS_HPP

// The CCKM job kinds (docs/server-api.md), one X(...) entry per kind. cckm.hpp makes from it
// the job_kind enum, one tag type per kind, all_kinds, visit_kind and kind_names; the keyops
// tool's usage text and keyops-sim's routes come from those. Adding a kind is one entry here.
//
//     X(type, name, path, resource filter, listable, cancellable, start body)
//
// - type: the tag type in keyops::cckm and the job_kind value, e.g. cckm::oci
// - name: the kind on command lines and in configuration ("azure-certificates")
// - path: the list and start path under the CipherTrust base (/api); a job is `path/{id}`
// - resource filter: the list filter the server names for this kind (a *_filter type of
//   cckm.hpp), or no_resource_filter
// - listable, cancellable: whether `GET path` and `POST path/{id}/cancel` exist
// - start body: the modelled start body, or raw_json_body where the body is not documented
//   (every kind accepts raw_json_body too)
//
// The order is the order of job_kind and all_kinds: add new kinds at the end.
//
// The entries name cckm.hpp's filter and body types unqualified: expand the list only inside
// namespace keyops::cckm, after them (cckm.hpp does), or use what cckm.hpp made from it.
#define KEYOPS_CCKM_KINDS(X)                                                                       \
    X(aws, "aws", "/v1/cckm/aws/synchronization-jobs", kms_filter, true, true, aws_sync_body)      \
    X(aws_custom_key_stores, "aws-custom-key-stores",                                              \
      "/v1/cckm/aws/custom-key-stores/synchronization-jobs", no_resource_filter, true, true,       \
      raw_json_body)                                                                               \
    X(aws_bulk, "aws-bulk", "/v1/cckm/aws/bulkjob", no_resource_filter, true, true, raw_json_body) \
    X(azure, "azure", "/v1/cckm/azure/synchronization-jobs", key_vaults_filter, true, true,        \
      azure_sync_body)                                                                             \
    X(azure_certificates, "azure-certificates",                                                    \
      "/v1/cckm/azure/certificates/synchronization-jobs", key_vaults_filter, true, true,           \
      azure_sync_body)                                                                             \
    X(azure_secrets, "azure-secrets", "/v1/cckm/azure/secrets/synchronization-jobs",               \
      key_vaults_filter, true, true, azure_sync_body)                                              \
    X(azure_bulk, "azure-bulk", "/v1/cckm/azure/bulkjobs", no_resource_filter, true, true,         \
      raw_json_body)                                                                               \
    X(google, "google", "/v1/cckm/google/synchronization-jobs", key_rings_filter, true, true,      \
      google_sync_body)                                                                            \
    X(google_update_all_versions, "google-update-all-versions",                                    \
      "/v1/cckm/google/update-all-versions-jobs", no_resource_filter, false, false,                \
      update_all_versions_body)                                                                    \
    X(oci, "oci", "/v1/cckm/oci/synchronization-jobs", vaults_filter, true, true, oci_sync_body)   \
    X(sap, "sap", "/v1/cckm/sap/synchronization-jobs", groups_filter, true, true, sap_sync_body)   \
    X(sfdc_keys, "sfdc-keys", "/v1/cckm/sfdc/keys/synchronization-jobs", organizations_filter,     \
      true, true, raw_json_body)                                                                   \
    X(sfdc_certificates, "sfdc-certificates", "/v1/cckm/sfdc/certificates/synchronization-jobs",   \
      organizations_filter, true, true, raw_json_body)                                             \
    X(dsm, "dsm", "/v1/cckm/dsm/refresh", domains_filter, true, true, domains_refresh_body)        \
    X(luna_refresh, "luna-refresh", "/v1/cckm/hsm/luna/refresh", no_resource_filter, true, true,   \
      raw_json_body)                                                                               \
    X(luna_sync, "luna-sync", "/v1/cckm/hsm/luna/synchronize", no_resource_filter, true, true,     \
      raw_json_body)                                                                               \
    X(external_cm, "external-cm", "/v1/cckm/external-cm/refresh", no_resource_filter, true, true,  \
      domains_refresh_body)                                                                        \
    X(sap_keys, "sap-keys", "/v1/cckm/sap/keys/jobs", no_resource_filter, false, false,            \
      raw_json_body)

#endif
