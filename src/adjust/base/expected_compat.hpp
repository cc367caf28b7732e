// A minimal stand-in for std::expected, and the one Result implementation for
// every compiler (result.hpp). Why not std::expected: Debian's clang 14 (the
// clang we need for libFuzzer, see fuzz/) lacks C++20 conditionally-trivial
// special members (P0848), so libstdc++ 12 does not offer std::expected to
// it, and g++ and clang builds must compile the same code. This header
// provides only what our code uses, with the standard's meaning.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace adjust::compat {

template <class E>
class unexpected {
 public:
  template <class G = E>
  requires(!std::is_same_v<std::remove_cvref_t<G>, unexpected> &&
           std::is_constructible_v<E, G&&>) constexpr explicit unexpected(G&& error)
      : m_error(std::forward<G>(error)) {}

  constexpr const E& error() const& noexcept { return m_error; }
  constexpr E& error() & noexcept { return m_error; }
  constexpr E&& error() && noexcept { return std::move(m_error); }

 private:
  E m_error;
};

template <class E>
unexpected(E) -> unexpected<E>;

// Thrown by value() on an expected that holds an error, as the standard's is.
class bad_expected_access : public std::exception {
 public:
  const char* what() const noexcept override { return "bad expected access"; }
};

namespace detail {
template <class T>
inline constexpr bool is_unexpected = false;
template <class E>
inline constexpr bool is_unexpected<unexpected<E>> = true;
}  // namespace detail

template <class T, class E>
class expected {
 public:
  using value_type = T;
  using error_type = E;
  using unexpected_type = unexpected<E>;

  constexpr expected() : m_storage(std::in_place_index<0>) {}

  template <class U = T>
  requires(!std::is_same_v<std::remove_cvref_t<U>, expected> &&
           !std::is_same_v<std::remove_cvref_t<U>, std::in_place_t> &&
           !detail::is_unexpected<std::remove_cvref_t<U>> &&
           std::is_constructible_v<T, U&&>) constexpr explicit(!std::is_convertible_v<U&&, T>)
      expected(U&& value)
      : m_storage(std::in_place_index<0>, std::forward<U>(value)) {}

  template <class... Args>
  constexpr explicit expected(std::in_place_t, Args&&... args)
      : m_storage(std::in_place_index<0>, std::forward<Args>(args)...) {}

  template <class G>
  constexpr explicit(!std::is_convertible_v<const G&, E>) expected(const unexpected<G>& error)
      : m_storage(std::in_place_index<1>, error.error()) {}

  template <class G>
  constexpr explicit(!std::is_convertible_v<G, E>) expected(unexpected<G>&& error)
      : m_storage(std::in_place_index<1>, std::move(error).error()) {}

  constexpr bool has_value() const noexcept { return m_storage.index() == 0; }
  constexpr explicit operator bool() const noexcept { return has_value(); }

  constexpr const T& operator*() const& noexcept { return *std::get_if<0>(&m_storage); }
  constexpr T& operator*() & noexcept { return *std::get_if<0>(&m_storage); }
  constexpr T&& operator*() && noexcept { return std::move(*std::get_if<0>(&m_storage)); }
  constexpr const T* operator->() const noexcept { return std::get_if<0>(&m_storage); }
  constexpr T* operator->() noexcept { return std::get_if<0>(&m_storage); }

  constexpr const T& value() const& { return checked(*this); }
  constexpr T& value() & { return checked(*this); }
  constexpr T&& value() && { return std::move(checked(*this)); }

  constexpr const E& error() const& noexcept { return *std::get_if<1>(&m_storage); }
  constexpr E& error() & noexcept { return *std::get_if<1>(&m_storage); }
  constexpr E&& error() && noexcept { return std::move(*std::get_if<1>(&m_storage)); }

  template <class U>
  constexpr T value_or(U&& fallback) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  constexpr T value_or(U&& fallback) && {
    return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  template <class Self>
  static constexpr auto& checked(Self& self) {
    if (!self.has_value()) throw bad_expected_access();
    return *self;
  }

  std::variant<T, E> m_storage;
};

template <class E>
class expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;
  using unexpected_type = unexpected<E>;

  constexpr expected() noexcept = default;

  template <class G>
  constexpr explicit(!std::is_convertible_v<const G&, E>) expected(const unexpected<G>& error)
      : m_error(error.error()) {}

  template <class G>
  constexpr explicit(!std::is_convertible_v<G, E>) expected(unexpected<G>&& error)
      : m_error(std::move(error).error()) {}

  constexpr bool has_value() const noexcept { return !m_error.has_value(); }
  constexpr explicit operator bool() const noexcept { return has_value(); }
  constexpr void operator*() const noexcept {}

  constexpr void value() const {
    if (!has_value()) throw bad_expected_access();
  }

  constexpr const E& error() const& noexcept { return *m_error; }
  constexpr E& error() & noexcept { return *m_error; }
  constexpr E&& error() && noexcept { return std::move(*m_error); }

 private:
  std::optional<E> m_error;
};

}  // namespace adjust::compat
