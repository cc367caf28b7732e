#include "adjust/aws/credentials/sources.hpp"

namespace adjust {

Result<Credentials> CachedCredentials::get() {
  std::lock_guard lock(m_mutex);
  auto now = m_clock.now();
  if (m_cached) {
    if (!m_cached->expiration || now < *m_cached->expiration - m_windows.advisory) {
      return *m_cached;
    }
    if (now < *m_cached->expiration - m_windows.mandatory) {
      // Advisory window: a failed refresh keeps the still-valid credentials.
      auto refreshed = m_inner->get();
      if (refreshed) {
        m_cached = *std::move(refreshed);
      } else {
        m_logger.warn("credentials from " + m_cached->source +
                      " expire soon and refreshing them failed: " + refreshed.error().message);
      }
      return *m_cached;
    }
    m_logger.debug("credentials from " + m_cached->source + " expire soon; refreshing");
  }
  m_cached.reset();
  auto fresh = ADJUST_TRY(m_inner->get());
  if (fresh.expiration && *fresh.expiration <= now) {
    return fail(ErrorCode::credentials, "credentials from " + fresh.source + " are already expired");
  }
  m_cached = fresh;
  return fresh;
}

void CachedCredentials::invalidate() {
  std::lock_guard lock(m_mutex);
  m_cached.reset();
  m_inner->invalidate();
}

}  // namespace adjust
