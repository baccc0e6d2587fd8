#ifndef KEYOPS_MODEL_CCKM_HPP
#define KEYOPS_MODEL_CCKM_HPP

// CCKM response types: a job, a page of jobs, the same two through a field mask that keeps only
// what a wait reads (job_brief, job_brief_list), and the error body. Every field of the
// documented job object is here; a field the server left out (or sent as null) is empty.

#include <keyops/model/detail/paging.hpp>
#include <keyops/model/status.hpp>
#include <keyops/parse/json_view.hpp>
#include <keyops/parse/schema.hpp>
#include <keyops/parse/timestamp.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace keyops::cckm {

/// A synchronization, refresh or update-all-versions job, as GET, start and cancel return it.
struct job {
    std::string_view id;          ///< the job's id: the `{id}` of its GET and cancel paths
    std::string_view uri;         ///< e.g. `kylo:kylo:cckm:synchronize:<id>`
    std::string_view account;     ///< the owning account, e.g. `kylo:kylo:admin:accounts:kylo`
    std::string_view application; ///< e.g. `ncryptify:gemalto:admin:apps:kylo`
    std::string_view dev_account; ///< `devAccount`
    timestamp created_at;         ///< `createdAt`
    timestamp updated_at;         ///< `updatedAt`
    timestamp completed_at;       ///< `completed_at`: only once the job is done
    /// `overall_status`: `in_progress`, `completed` or `failed` (see done()), the word as sent.
    job_status overall_status;
    /// Usually resource name -> text, but values may be any JSON (update-all-versions jobs hold
    /// `"completed": ["2","1"]`). `detailed_status.string(name)` reads a text value.
    json_object_view detailed_status;
    std::string_view cloud; ///< the cloud as the server names it, e.g. `AzureCloud`, `oci`, `dsm`
    /// True once a cancel was asked for; a cancelled job ends `completed` with abort set.
    bool abort = false;
    std::string_view sync_item; ///< Azure certificates and secrets jobs

    /// @name The resource list, named per cloud
    /// @{

    /// The resources the job works on, under a member name that depends on the cloud: `kms`
    /// (AWS), `key_vaults` (Azure; some OCI jobs), `key_rings` (Google), `vaults` (OCI),
    /// `domains` (DSM, external CipherTrust Manager), `organizations` (Salesforce), `groups`
    /// (SAP). Empty when absent; resources() answers the one present.
    string_list key_vaults;
    string_list vaults;
    string_list key_rings;
    string_list kms;
    string_list domains;
    string_list organizations;
    string_list groups;
    /// @}

    string_list regions; ///< AWS: the regions the job covers

    /// @name Google update-all-versions jobs
    /// Empty for every other kind of job.
    /// @{

    std::string_view job_id;                    ///< `job_id`, which these jobs send beside `id`
    std::string_view key_id;                    ///< the key whose versions the job updates
    std::optional<std::uint64_t> version_count; ///< the number of versions the job updates
    /// What the job does to each version: `enable`, `disable`, `schedule_destroy` or
    /// `cancel_destroy`.
    std::string_view operation;
    /// @}

    /// The first non-empty resource list of the job.
    string_list resources() const noexcept {
        for (const string_list* l :
             {&key_vaults, &vaults, &key_rings, &kms, &domains, &organizations, &groups})
            if (!l->empty())
                return *l;
        return {};
    }

    /// Done: completed (possibly aborted) or failed. Unknown words are not terminal.
    bool done() const noexcept { return is_terminal(overall_status.state); }
};

/// One page of a job list.
struct job_list {
    std::optional<std::uint64_t> skip;  ///< the offset of the page's first job in the list
    std::optional<std::uint64_t> limit; ///< the page size the server applied
    std::optional<std::uint64_t> total; ///< the number of jobs in the whole list
    std::vector<job> resources;         ///< the jobs of the page
};

/// The paging rule: the offset of the page after `page`, which was read from offset `skip`, or
/// nothing when the server says there is no more (or sent an empty page, which ends paging
/// whatever its total says, so that a server miscounting cannot make a reader loop).
inline std::optional<std::uint64_t> next_page_skip(const job_list& page,
                                                   std::uint64_t skip) noexcept {
    return keyops::detail::next_page_skip(page, skip);
}

/// What a wait reads of a job, and nothing else: a field mask of `job`. Parsing into it checks
/// the whole document as strictly as `job` does (malformed JSON, wrong types of these fields),
/// but every other member is skipped without being looked at, which makes a large list cheaper
/// to read. The members mean what they mean in `job`.
struct job_brief {
    std::string_view id;       ///< job::id
    job_status overall_status; ///< job::overall_status
    /// True once a cancel was asked for.
    bool abort = false;
    json_object_view detailed_status; ///< job::detailed_status

    /// Done: completed (possibly aborted) or failed. Unknown words are not terminal.
    bool done() const noexcept { return is_terminal(overall_status.state); }
};

/// One page of a job list, with the fields of job_brief for each job.
struct job_brief_list {
    std::optional<std::uint64_t> skip;  ///< the offset of the page's first job in the list
    std::optional<std::uint64_t> limit; ///< the page size the server applied
    std::optional<std::uint64_t> total; ///< the number of jobs in the whole list
    std::vector<job_brief> resources;   ///< the jobs of the page
};

/// The paging rule of next_page_skip(const job_list&, ...) for a page read through the mask.
inline std::optional<std::uint64_t> next_page_skip(const job_brief_list& page,
                                                   std::uint64_t skip) noexcept {
    return keyops::detail::next_page_skip(page, skip);
}

/// The body of a CCKM error response, e.g. `{"code":16,"codeDesc":"NCERRResourceNotFound: ..."}`.
struct error_body {
    std::optional<std::int32_t> code; ///< e.g. 16 (NCERRResourceNotFound)
    std::string_view code_desc;       ///< `codeDesc`
    std::string_view message;         ///< a further text, which some errors carry
    std::string_view request_id;      ///< `requestID`
};

} // namespace keyops::cckm

/// How cckm::job is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::cckm::job> {
    using T = cckm::job; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::id>("id"),
        field<&T::uri>("uri"),
        field<&T::account>("account"),
        field<&T::application>("application"),
        field<&T::dev_account>("devAccount"),
        field<&T::created_at>("createdAt"),
        field<&T::updated_at>("updatedAt"),
        field<&T::completed_at>("completed_at"),
        field<&T::overall_status>("overall_status"),
        field<&T::detailed_status>("detailed_status"),
        field<&T::cloud>("cloud"),
        field<&T::key_vaults>("key_vaults"),
        field<&T::abort>("abort"),
        field<&T::sync_item>("sync_item"),
        field<&T::vaults>("vaults"),
        field<&T::key_rings>("key_rings"),
        field<&T::kms>("kms"),
        field<&T::domains>("domains"),
        field<&T::organizations>("organizations"),
        field<&T::groups>("groups"),
        field<&T::regions>("regions"),
        field<&T::job_id>("job_id"),
        field<&T::key_id>("key_id"),
        field<&T::version_count>("version_count"),
        field<&T::operation>("operation"),
    };
};

/// How cckm::job_list is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::cckm::job_list> {
    using T = cckm::job_list; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::skip>("skip"),
        field<&T::limit>("limit"),
        field<&T::total>("total"),
        field<&T::resources>("resources"),
    };
};

/// How cckm::job_brief is read from JSON: every member of json_schema<cckm::job>, in the same
/// order (the server's), the unread ones too: each key is then recognised by its position, and
/// the values nobody reads are skipped.
template <>
struct keyops::json_schema<keyops::cckm::job_brief> {
    using T = cckm::job_brief; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::id>("id"),
        unread("uri"),
        unread("account"),
        unread("application"),
        unread("devAccount"),
        unread("createdAt"),
        unread("updatedAt"),
        unread("completed_at"),
        field<&T::overall_status>("overall_status"),
        field<&T::detailed_status>("detailed_status"),
        unread("cloud"),
        unread("key_vaults"),
        field<&T::abort>("abort"),
        unread("sync_item"),
        unread("vaults"),
        unread("key_rings"),
        unread("kms"),
        unread("domains"),
        unread("organizations"),
        unread("groups"),
        unread("regions"),
        unread("job_id"),
        unread("key_id"),
        unread("version_count"),
        unread("operation"),
    };
};

/// How cckm::job_brief_list is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::cckm::job_brief_list> {
    using T = cckm::job_brief_list; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::skip>("skip"),
        field<&T::limit>("limit"),
        field<&T::total>("total"),
        field<&T::resources>("resources"),
    };
};

/// How cckm::error_body is read from JSON: its members and the server's names for them.
template <>
struct keyops::json_schema<keyops::cckm::error_body> {
    using T = cckm::error_body; ///< the type this schema reads
    /// The members read, in the order the server writes them (see parse/schema.hpp).
    static constexpr field_entry fields[] = {
        field<&T::code>("code"),
        field<&T::code_desc>("codeDesc"),
        field<&T::message>("message"),
        field<&T::request_id>("requestID"),
    };
};

#endif
