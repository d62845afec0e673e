// Keeping heap capacity in a reused Event: objects that leave it are parked and handed back later, and
// strings and vectors are refilled in place. Private to the decoder.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace lambda_relay::telemetry::reuse {

// Objects (strings, spans, trace contexts, ...) parked when a field or an element disappears from the
// reused event, and handed back when one appears again, so that they keep their heap capacity: once
// warmed up, decoding allocates nothing. Per thread, bounded.
template <typename T>
class Parking {
 public:
  Parking() { items_.reserve(kMaxParked); }
  void park(T& item) {
    if (items_.size() < kMaxParked) items_.push_back(std::move(item));
  }
  void unpark_into(std::optional<T>& field) {
    if (items_.empty()) {
      field.emplace();
    } else {
      field.emplace(std::move(items_.back()));
      items_.pop_back();
    }
  }
  T& unpark_back(std::vector<T>& items) {
    if (items_.empty()) return items.emplace_back();
    items.push_back(std::move(items_.back()));
    items_.pop_back();
    return items.back();
  }

 private:
  static constexpr std::size_t kMaxParked = 64;
  std::vector<T> items_;
};

template <typename T>
Parking<T>& parking() {
  thread_local Parking<T> instance;
  return instance;
}

// The next element of a vector that is being refilled: reuses existing elements (and their capacity).
// The caller overwrites every field of it.
template <typename T>
T& next_slot(std::vector<T>& items, std::size_t& used) {
  if (used < items.size()) return items[used++];
  ++used;
  return parking<T>().unpark_back(items);
}

// Drops the elements after the first `used` (those of an earlier, longer event).
template <typename T>
[[gnu::noinline]] void park_after(std::vector<T>& items, std::size_t used) {
  while (items.size() > used) {
    parking<T>().park(items.back());
    items.pop_back();
  }
}
template <typename T>
[[gnu::always_inline]] inline void truncate(std::vector<T>& items, std::size_t used) {
  if (items.size() > used) park_after(items, used);  // rarely: the check runs for every object decoded
}

// Empties an optional field the event did not have.
template <typename T>
inline void keep_if(std::optional<T>& field, bool seen) {
  if (seen || !field) return;
  if constexpr (!std::is_trivially_copyable_v<T>) parking<T>().park(*field);
  field.reset();
}

// The value of an optional field the event has (its old value, or a parked one, to be overwritten).
template <typename T>
T& engage(std::optional<T>& field) {
  if (!field) parking<T>().unpark_into(field);
  return *field;
}

// std::string::assign without its aliasing checks (the text never points into the target).
inline void set(std::string& target, std::string_view text) {
  target.clear();
  target.append(text.data(), text.size());
}

inline void assign(std::optional<std::string>& field, std::string_view text) { set(engage(field), text); }

}  // namespace lambda_relay::telemetry::reuse
