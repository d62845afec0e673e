// TLS (mbedTLS) over a beast::tcp_stream, usable wherever Beast wants an AsyncStream
// (http::async_read, http::async_write). mbedTLS never touches the socket: it takes ciphertext from
// incoming() and leaves ciphertext in outgoing(), and the composed operation below moves those bytes
// with the tcp_stream's own operations, so the tcp_stream's deadline covers the handshake, every
// read and every write. One operation at a time (HttpConnection writes, then reads). A pending
// operation co-owns the stream: closing the connection (which drops the stream and cancels the
// socket's operations) never leaves a completion touching freed state.
#pragma once

#include "net/http.hpp"
#include "net/tls_context.hpp"

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <lambda_relay/result.hpp>

#include <array>
#include <memory>
#include <string>

namespace lambda_relay::net {

// What one call into the TLS engine achieved, and what it needs before it can go on.
struct TlsStep {
  enum class Next { done, read, fail };
  Next next = Next::done;
  std::size_t bytes = 0;
  boost::system::error_code error;
};

class TlsStream : public std::enable_shared_from_this<TlsStream> {
 public:
  using executor_type = beast::tcp_stream::executor_type;

  // A client session for `host` (SNI and certificate name check; an IP address is checked against the
  // certificate's IP addresses). `context` must be loaded and outlive the stream.
  static Result<std::shared_ptr<TlsStream>> open(beast::tcp_stream& next, const TlsContext& context,
                                                 const std::string& host);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  beast::tcp_stream& next_layer() noexcept { return next_; }

  template <typename Token>
  auto async_handshake(Token&& token);
  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token);
  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token);

  // For a person: "certificate verify failed: <reasons>" for a rejected certificate, else the
  // error's message.
  [[nodiscard]] std::string describe(const boost::system::error_code& error) const;

  // The engine, driven by the composed operation.
  TlsStep handshake_step();
  TlsStep read_step(asio::mutable_buffer into);
  TlsStep write_step(asio::const_buffer from);
  beast::flat_buffer& incoming() noexcept { return incoming_; }
  beast::flat_buffer& outgoing() noexcept { return outgoing_; }

 private:
  struct Engine;
  TlsStream(beast::tcp_stream& next, std::string host);

  beast::tcp_stream& next_;
  std::string host_;
  beast::flat_buffer incoming_;
  beast::flat_buffer outgoing_;
  std::array<char, 16 * 1024> plaintext_{};  // one TLS record's worth of what async_write_some sends
  std::unique_ptr<Engine> engine_;
};

namespace tls_detail {

// Runs `step` until it is done or fails: sends what it left in outgoing(), reads from the socket
// when it asks for more. Completes through a post when no I/O was needed (Asio's rule that an
// operation never completes inside its initiating call).
template <typename Step>
class Operation {
 public:
  Operation(std::shared_ptr<TlsStream> stream, Step step)
      : owner_(std::move(stream)), stream_(*owner_), step_(std::move(step)) {}

  template <typename Self>
  void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
    switch (state_) {
      case State::start:
        run(self);
        return;
      case State::writing:
        stream_.outgoing().consume(n);
        // A failed handshake's alert may not get through; the handshake's own error is the news.
        if (ec && result_.next != TlsStep::Next::fail) return self.complete(ec, 0);
        return after_write(self);
      case State::reading:
        stream_.incoming().commit(n);
        if (ec) return self.complete(ec, 0);
        return run(self);
      case State::posted:
        return self.complete(result_.error, result_.bytes);
    }
  }

 private:
  enum class State { start, writing, reading, posted };
  static constexpr std::size_t kReadSize = 16 * 1024 + 512;  // one record and its overhead

  template <typename Self>
  void run(Self& self) {
    result_ = step_(stream_);
    if (stream_.outgoing().size() > 0) {
      state_ = State::writing;
      did_io_ = true;
      asio::async_write(stream_.next_layer(), stream_.outgoing().data(), std::move(self));
      return;
    }
    after_write(self);
  }

  template <typename Self>
  void after_write(Self& self) {
    if (result_.next == TlsStep::Next::read) {
      state_ = State::reading;
      did_io_ = true;
      stream_.next_layer().async_read_some(stream_.incoming().prepare(kReadSize), std::move(self));
      return;
    }
    if (!did_io_) {
      state_ = State::posted;
      asio::post(stream_.get_executor(), std::move(self));
      return;
    }
    self.complete(result_.error, result_.bytes);
  }

  std::shared_ptr<TlsStream> owner_;
  TlsStream& stream_;
  Step step_;
  State state_ = State::start;
  bool did_io_ = false;
  TlsStep result_;
};

template <typename Step>
Operation(std::shared_ptr<TlsStream>, Step) -> Operation<Step>;

}  // namespace tls_detail

template <typename Token>
auto TlsStream::async_handshake(Token&& token) {
  return asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
      tls_detail::Operation(shared_from_this(), [](TlsStream& s) { return s.handshake_step(); }), token, next_);
}

template <typename MutableBuffers, typename Token>
auto TlsStream::async_read_some(const MutableBuffers& buffers, Token&& token) {
  const asio::mutable_buffer into = beast::buffers_front(buffers);
  return asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
      tls_detail::Operation(shared_from_this(), [into](TlsStream& s) { return s.read_step(into); }), token, next_);
}

template <typename ConstBuffers, typename Token>
auto TlsStream::async_write_some(const ConstBuffers& buffers, Token&& token) {
  // Beast hands over header and body as separate buffers; gathered, they fill whole records.
  const std::size_t size = asio::buffer_copy(asio::buffer(plaintext_), buffers);
  const asio::const_buffer from(plaintext_.data(), size);
  return asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
      tls_detail::Operation(shared_from_this(), [from](TlsStream& s) { return s.write_step(from); }), token, next_);
}

}  // namespace lambda_relay::net
