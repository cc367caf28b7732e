#include "adjust/base/cancel.hpp"

#include <algorithm>

namespace adjust {
namespace {

CancelToken* g_cancel_token = nullptr;

extern "C" void on_cancel_signal(int signal_number) {
  // Only async-signal-safe work here: an atomic store.
  if (g_cancel_token != nullptr) g_cancel_token->request(signal_number);
}

}  // namespace

void install_cancel_signal_handlers(CancelToken& token) {
  g_cancel_token = &token;
  struct sigaction action {};
  action.sa_handler = on_cancel_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal_number : {SIGUSR1, SIGTERM, SIGINT}) sigaction(signal_number, &action, nullptr);
}

void CancellableClock::sleep_for(std::chrono::milliseconds duration) {
  constexpr std::chrono::milliseconds k_slice{50};
  auto end = m_inner->monotonic() + duration;
  while (!m_token->requested()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - m_inner->monotonic());
    if (left <= std::chrono::milliseconds::zero()) return;
    m_inner->sleep_for(std::min(left, k_slice));
  }
}

}  // namespace adjust
