#include "support/loopback_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace adjust::testing {
namespace {

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Read one request (head + Content-Length body); false when the peer closed.
bool read_request(int fd, std::string& buffer, ReceivedRequest& request, const std::atomic<bool>& stop) {
  auto read_more = [&]() {
    while (!stop.load()) {
      pollfd pfd{fd, POLLIN, 0};
      int ready = ::poll(&pfd, 1, 50);
      if (ready < 0) {
        return false;
      }
      if (ready == 0) {
        continue;
      }
      char chunk[16384];
      ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        return false;
      }
      buffer.append(chunk, static_cast<std::size_t>(got));
      return true;
    }
    return false;
  };
  std::size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more()) {
      return false;
    }
  }
  std::string head = buffer.substr(0, head_end);
  std::size_t line_end = head.find("\r\n");
  std::string request_line = head.substr(0, line_end);
  auto first_space = request_line.find(' ');
  auto second_space = request_line.find(' ', first_space + 1);
  request.method = request_line.substr(0, first_space);
  request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
  request.headers.clear();
  std::size_t content_length = 0;
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) {
      end = head.size();
    }
    std::string line = head.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      if (strcasecmp(name.c_str(), "Content-Length") == 0) {
        content_length = std::stoul(value);
      }
      request.headers.push_back({name, value});
    }
    pos = end + 2;
  }
  std::size_t body_start = head_end + 4;
  while (buffer.size() < body_start + content_length) {
    if (!read_more()) {
      return false;
    }
  }
  request.body = buffer.substr(body_start, content_length);
  buffer.erase(0, body_start + content_length);
  return true;
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer() {
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  ::setsockopt(m_listen_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(m_listen_fd, 16) != 0) {
    throw std::runtime_error("loopback server: cannot bind 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length);
  m_port = ntohs(address.sin_port);
  m_acceptor = std::thread([this] { accept_loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  {
    std::lock_guard lock(m_mutex);
    m_stop.store(true);
  }
  m_stopped.notify_all();
  m_acceptor.join();
  for (auto& worker : m_workers) {
    worker.join();
  }
  ::close(m_listen_fd);
}

void LoopbackHttpServer::push(ScriptedReply reply) {
  std::lock_guard lock(m_mutex);
  m_replies.push_back(std::move(reply));
}

std::vector<ReceivedRequest> LoopbackHttpServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

bool LoopbackHttpServer::next_reply(ScriptedReply& reply) {
  std::lock_guard lock(m_mutex);
  if (m_replies.empty()) {
    reply = ScriptedReply{500, "No Script", {}, "no scripted reply", {}, ScriptedReply::Fault::none, true};
    return false;
  }
  reply = std::move(m_replies.front());
  m_replies.pop_front();
  return true;
}

bool LoopbackHttpServer::wait_or_stop(std::chrono::milliseconds delay) {
  std::unique_lock lock(m_mutex);
  return !m_stopped.wait_for(lock, delay, [this] { return m_stop.load(); });
}

void LoopbackHttpServer::accept_loop() {
  while (!m_stop.load()) {
    pollfd pfd{m_listen_fd, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) {
      continue;
    }
    int fd = ::accept(m_listen_fd, nullptr, nullptr);
    if (fd < 0) {
      continue;
    }
    int connection = ++m_connections;
    std::lock_guard lock(m_mutex);
    m_workers.emplace_back([this, fd, connection] { serve(fd, connection); });
  }
}

void LoopbackHttpServer::serve(int fd, int connection) {
  std::string buffer;
  while (!m_stop.load()) {
    ReceivedRequest request;
    if (!read_request(fd, buffer, request, m_stop)) {
      break;
    }
    request.connection = connection;
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
    }
    ScriptedReply reply;
    next_reply(reply);
    if (reply.delay.count() > 0 && !wait_or_stop(reply.delay)) {
      break;
    }
    if (reply.fault == ScriptedReply::Fault::close_without_reply) {
      break;
    }
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " + reply.reason + "\r\n";
    for (const auto& header : reply.headers) {
      head += header.name + ": " + header.value + "\r\n";
    }
    std::size_t announced = reply.body.size();
    if (reply.fault == ScriptedReply::Fault::reset_mid_body) {
      announced = reply.body.size() * 2 + 100;
    }
    head += "Content-Length: " + std::to_string(announced) + "\r\n";
    if (!reply.keep_alive) {
      head += "Connection: close\r\n";
    }
    head += "\r\n";
    if (!send_all(fd, head) || !send_all(fd, reply.body)) {
      break;
    }
    if (reply.fault == ScriptedReply::Fault::reset_mid_body) {
      linger hard{1, 0};  // close with RST instead of FIN
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      break;
    }
    if (!reply.keep_alive) {
      break;
    }
  }
  ::close(fd);
}

}  // namespace adjust::testing
