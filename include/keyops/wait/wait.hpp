#ifndef KEYOPS_WAIT_WAIT_HPP
#define KEYOPS_WAIT_WAIT_HPP

// Waiting for jobs: poll a CCKM job (or many jobs of one kind) or a Network Insight proxy key
// rotation until it ends, through a keyops::client.
//
//     keyops::wait_options w;
//     w.polling.deadline = std::chrono::minutes(10);
//     w.on_job_progress = [](const cckm::job& j, auto elapsed) { ... };
//     auto r = keyops::wait_for_job<cckm::google>(cm, id, w);        // sync
//     if (r.outcome == keyops::wait_outcome::completed) ...
//
//     keyops::async_wait_for_job<cckm::google>(cm, id, w, token); // (ec, job_wait_result)
//     keyops::async_wait_for_jobs<cckm::oci>(cm, ids, w, token);  // (ec, vector<...>)
//     keyops::async_wait_for_rotation(ni, w, token);               // (ec, rotation_wait_result)
//
// A wait needs nothing but the job's kind and id, so it can be resumed at any time, from another
// process too. Each poll is an ordinary client call: the client's retry policy handles transport
// and server errors, its auth policy renews tokens; a call that still fails after that ends the
// wait for the jobs it concerned (outcome `error`, with the call's error and diagnostics).
// "Still running" is never an error.
//
// One job is read with GET. Several jobs of a kind that has a list endpoint are read with list
// requests, not one request per job: filtered by id (as many ids as fit in `max_list_target`),
// or for large waits first the kind's in-progress jobs, then by id those not in it (see
// detail/list_plan.hpp).
//
// Completion: the error_code is empty when every job reached a terminal state (completed,
// completed but aborted, failed: the result says which); otherwise it is
// boost::asio::error::operation_aborted (cancelled), keyops::error::deadline_exceeded, or the
// error of the first call that failed. The results say the same per job.
//
// Cancellation: async waits honour terminal, partial and total cancellation through the
// completion handler's cancellation slot, by the rule written once in keyops/cancellation.hpp:
// terminal ends the wait at once; partial and total end a pause at once and let a poll in flight
// finish, using its answer (a job it shows ended is reported ended, with its outcome), then end
// the wait. Jobs still unfinished end `cancelled`, and the completion's error is
// operation_aborted unless every job ended. Sync waits, and async ones too, stop when
// `wait_options::stop` becomes true (checked at least every 100 ms), as a total cancellation.
// Either way the jobs keep running on the server: a wait that stops sends no cancel, except
// `cancel_on_deadline` when the deadline passes.
//
// Deadline: checked after each round; the pause before the last round is shortened so that a
// round happens at the deadline. A call in flight at the deadline runs to its end, so a wait can
// overrun its deadline by at most one call (bounded by client_options::call_timeout).
//
// Thread-safety and lifetimes: as for client::async_call. The client must outlive the wait; the
// callbacks of async waits run on the client's executor, those of sync waits on the calling
// thread; `stop` must outlive the wait. Sync forms make sync calls and sleep the calling thread
// between rounds (waking every 100 ms when there is a stop flag); they run no io_context, and
// throw only std::bad_alloc.
//
// The waits are the machines of jobs_wait_fsm.hpp and rotation_wait_fsm.hpp, each run by the
// sync and the async driver of detail/drivers.hpp; the machines take the cancellation type with
// each event, the drivers only pass it on.

#include <keyops/wait/detail/drivers.hpp>
#include <keyops/wait/jobs_wait_fsm.hpp>
#include <keyops/wait/rotation_wait_fsm.hpp>
#include <keyops/wait/types.hpp>

#include <boost/asio/compose.hpp>

#include <string>
#include <utility>
#include <vector>

namespace keyops {

/// Waits for several jobs of one kind, polling through the client until each ends.
/// - Completion signature: void(error_code, std::vector<job_wait_result>), one result per id,
///   in the order given; the error is empty when every job ended (completed, aborted or
///   failed: each result says which), else operation_aborted, deadline_exceeded or the first
///   call's error (see "Completion" at the top of this header).
/// - Lifetimes: the client must outlive the wait; `ids` and `opt` are moved in; `opt.stop`,
///   when set, must outlive it.
/// - Executor: the callbacks of `opt` and the handler run on the handler's associated executor
///   (the client's when it has none); the handler never runs inside this function.
/// - Thread-safety: start it from the thread or strand the client is used from.
/// - Cancellation: terminal, partial and total, by the rule of keyops/cancellation.hpp; the
///   stop flag as total. The jobs go on on the server.
template <class Kind, class Client, class Token>
auto async_wait_for_jobs(Client& c, std::vector<std::string> ids, wait_options opt, Token&& token) {
    static_assert(cckm::is_job_kind<Kind>, "keyops: async_wait_for_jobs<K> needs a job kind");
    return boost::asio::async_compose<Token, void(error_code, std::vector<job_wait_result>)>(
        detail::jobs_wait_op<detail::typed_kind_polls<Kind>, Client>(c, std::move(ids),
                                                                     std::move(opt)),
        token, c.get_executor());
}

/// Waits for one job. Completion signature void(error_code, job_wait_result); lifetimes,
/// executor, thread-safety and cancellation as for async_wait_for_jobs.
template <class Kind, class Client, class Token>
auto async_wait_for_job(Client& c, std::string id, wait_options opt, Token&& token) {
    static_assert(cckm::is_job_kind<Kind>, "keyops: async_wait_for_job<K> needs a job kind");
    return boost::asio::async_compose<Token, void(error_code, job_wait_result)>(
        detail::one_job_wait_op<Kind, Client>(c, std::move(id), std::move(opt)), token,
        c.get_executor());
}

/// Waits for the last proxy key rotation to end. Completion signature void(error_code,
/// rotation_wait_result); the error is empty when the rotation ended (SUCCESS or FAILED: the
/// outcome says which). A server with no rotation yet answers 404: outcome error, not_found.
/// Lifetimes, executor, thread-safety and cancellation as for async_wait_for_jobs.
template <class Client, class Token>
auto async_wait_for_rotation(Client& c, wait_options opt, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code, rotation_wait_result)>(
        detail::single_wait_op<detail::rotation_reads, Client>(
            c,
            rotation_wait_fsm(detail::with_observer(c, std::move(opt)), detail::wait_clock::now())),
        token, c.get_executor());
}

/// Sync: waits for several jobs of one kind; one result per id, in the order given. Runs on the
/// calling thread (its pauses asleep, no io_context run); ends early when `opt.stop` is set;
/// throws only std::bad_alloc.
template <class Kind, class Client>
std::vector<job_wait_result> wait_for_jobs(Client& c, std::vector<std::string> ids,
                                           const wait_options& opt = {}) {
    static_assert(cckm::is_job_kind<Kind>, "keyops: wait_for_jobs<K> needs a job kind");
    return detail::run_jobs_wait(c, detail::typed_kind_polls<Kind>{}, std::move(ids), opt);
}

/// Sync: waits for one job.
template <class Kind, class Client>
job_wait_result wait_for_job(Client& c, std::string id, const wait_options& opt = {}) {
    std::vector<std::string> ids;
    ids.push_back(std::move(id));
    return std::move(wait_for_jobs<Kind>(c, std::move(ids), opt).front());
}

/// Sync: waits for the last proxy key rotation to end.
template <class Client>
rotation_wait_result wait_for_rotation(Client& c, const wait_options& opt = {}) {
    return detail::run_single_wait<detail::rotation_reads>(
        c, rotation_wait_fsm(detail::with_observer(c, opt), detail::wait_clock::now()));
}

} // namespace keyops

// wait_for_jobs and async_wait_for_jobs(client, job_kind, ids, options, ...): the kind chosen at
// run time.
#include <keyops/wait/wait_any.hpp>

#endif
