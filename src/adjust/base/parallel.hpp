// Bounded fan-out for independent, I/O-bound work items (AWS calls for many
// components at once): the wall time of N calls becomes about ceil(N / limit)
// round trips instead of N.
#pragma once

#include <cstddef>
#include <functional>

namespace adjust {

// How many AWS calls one run keeps in flight at most: enough that 50
// components cost a few round trips, few enough to stay a polite client of
// an account's shared API rate limits (the retry quota backs off throttling).
inline constexpr std::size_t k_default_aws_concurrency = 16;

// Calls work(i) once for every i in [0, count), on up to `limit` threads (the
// calling thread is one of them), and returns when all calls have returned.
// limit <= 1 or count <= 1 runs every call on the calling thread, in order.
// If calls throw, the first exception is rethrown here after the others finish.
void parallel_for(std::size_t count, std::size_t limit, const std::function<void(std::size_t)>& work);

}  // namespace adjust
