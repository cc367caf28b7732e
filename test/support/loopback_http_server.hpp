// A tiny HTTP/1.1 server on 127.0.0.1 for transport tests. Replies come from
// a script (status, headers, body, delay, or a fault); connections are kept
// alive unless a reply says otherwise, so connection reuse is observable.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adjust/aws/http.hpp"

namespace adjust::testing {

struct ScriptedReply {
  enum class Fault { none, close_without_reply, reset_mid_body };
  long status = 200;
  std::string reason = "OK";
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before answering (interrupted by shutdown)
  Fault fault = Fault::none;
  bool keep_alive = true;
};

struct ReceivedRequest {
  std::string method;
  std::string target;  // "/path?query"
  HttpHeaders headers;
  std::string body;
  int connection = 0;  // 1-based index of the connection it arrived on
};

class LoopbackHttpServer {
 public:
  LoopbackHttpServer();  // binds 127.0.0.1 on a free port and starts serving
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  void push(ScriptedReply reply);
  std::vector<ReceivedRequest> requests() const;
  int connections_accepted() const { return m_connections.load(); }

 private:
  void accept_loop();
  void serve(int fd, int connection);
  bool next_reply(ScriptedReply& reply);
  bool wait_or_stop(std::chrono::milliseconds delay);

  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  mutable std::mutex m_mutex;
  std::condition_variable m_stopped;
  std::deque<ScriptedReply> m_replies;
  std::vector<ReceivedRequest> m_requests;
  std::vector<int> m_open_fds;
  std::vector<std::thread> m_workers;
  std::thread m_acceptor;
};

}  // namespace adjust::testing
