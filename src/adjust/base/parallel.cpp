#include "adjust/base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace adjust {

void parallel_for(std::size_t count, std::size_t limit, const std::function<void(std::size_t)>& work) {
  if (count <= 1 || limit <= 1) {
    for (std::size_t i = 0; i < count; ++i) work(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto drain = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::jthread> helpers;
  const std::size_t threads = std::min(limit, count);
  helpers.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(drain);
  drain();
  helpers.clear();  // joins
  if (failure) std::rethrow_exception(failure);
}

}  // namespace adjust
