#include "storage/raft/replica.hpp"

#include <cstring>
#include <random>
#include <stdexcept>
#include <utility>

#include "storage/keys.hpp"
#include "storage/raft/wire.hpp"

namespace aethex::storage::raft {

// libraft's I/O and state machine interfaces are C structs of function pointers; these
// functions recover the replica from the struct (io->impl, fsm->data) and do the work.
struct replica::backend {
  static replica& of(raft_io* io) { return *static_cast<replica*>(io->impl); }
  static replica& of(raft_fsm* fsm) { return *static_cast<replica*>(fsm->data); }

  // Every failure of the store is an I/O error to libraft (it turns the replica unavailable);
  // the message goes into io->errmsg where libraft reads it.
  template <class Work>
  static int guarded(raft_io* io, Work&& work) {
    try {
      work();
      return 0;
    } catch (const std::exception& e) {
      std::snprintf(io->errmsg, sizeof io->errmsg, "%s", e.what());
      return RAFT_IOERR;
    }
  }

  static int init(raft_io*, raft_id, const char*) { return 0; }

  static void close(raft_io* io, raft_io_close_cb cb) {
    of(io).completions_.push_back([io, cb] { cb(io); });
  }

  static raft_snapshot* to_raft_snapshot(const snapshot_record& record) {
    auto* snapshot = static_cast<raft_snapshot*>(raft_calloc(1, sizeof(raft_snapshot)));
    raft_configuration_init(&snapshot->configuration);
    snapshot->index = record.index;
    snapshot->term = record.term;
    snapshot->configuration_index = record.configuration_index;
    snapshot->bufs = static_cast<raft_buffer*>(raft_malloc(sizeof(raft_buffer)));
    snapshot->n_bufs = 1;
    snapshot->bufs[0].len = record.data.size();
    snapshot->bufs[0].base = raft_malloc(record.data.empty() ? 1 : record.data.size());
    std::memcpy(snapshot->bufs[0].base, record.data.data(), record.data.size());
    if (!decode_configuration(record.configuration, snapshot->configuration))
      throw std::runtime_error("raft log: damaged configuration in a snapshot");
    return snapshot;
  }

  static int load(raft_io* io, raft_term* term, raft_id* voted_for, raft_snapshot** snapshot,
                  raft_index* start_index, raft_entry* entries[], size_t* n_entries) {
    auto& self = of(io);
    return guarded(io, [&] {
      auto loaded = self.store_.load(self.group_);
      *term = loaded.state.term;
      *voted_for = loaded.state.vote;
      *snapshot = loaded.snapshot ? to_raft_snapshot(*loaded.snapshot) : nullptr;
      *start_index = loaded.start_index;
      *n_entries = loaded.entries.size();
      *entries = nullptr;
      self.next_index_ = loaded.start_index + loaded.entries.size();
      if (loaded.entries.empty())
        return;
      // One batch holds every entry's data, the way libraft frees loaded entries.
      std::size_t total = 0;
      for (auto& entry : loaded.entries)
        total += entry.data.size();
      auto* array = static_cast<raft_entry*>(raft_calloc(loaded.entries.size(),
                                                         sizeof(raft_entry)));
      auto* batch = static_cast<char*>(raft_malloc(total == 0 ? 1 : total));
      std::size_t offset = 0;
      for (std::size_t i = 0; i < loaded.entries.size(); ++i) {
        auto& entry = loaded.entries[i];
        std::memcpy(batch + offset, entry.data.data(), entry.data.size());
        array[i] = raft_entry{entry.term, entry.type, {batch + offset, entry.data.size()}, batch};
        offset += entry.data.size();
      }
      *entries = array;
    });
  }

  static int start(raft_io* io, unsigned, raft_io_tick_cb tick, raft_io_recv_cb recv) {
    auto& self = of(io);
    self.tick_cb_ = tick;
    self.recv_cb_ = recv;
    return 0;
  }

  static int bootstrap(raft_io* io, const raft_configuration* configuration) {
    auto& self = of(io);
    if (!self.store_.empty(self.group_))
      return RAFT_CANTBOOTSTRAP;
    return append_configuration(io, *configuration, 1);
  }

  static int recover(raft_io* io, const raft_configuration* configuration) {
    auto& self = of(io);
    return append_configuration(io, *configuration, self.store_.load(self.group_).state.term);
  }

  // The first (or a forced) configuration entry, in libraft's own encoding: libraft decodes
  // RAFT_CHANGE entries itself.
  static int append_configuration(raft_io* io, const raft_configuration& configuration,
                                  std::uint64_t term) {
    auto& self = of(io);
    raft_buffer encoded{};
    if (int rv = raft_configuration_encode(&configuration, &encoded); rv != 0)
      return rv;
    log_entry entry{term, RAFT_CHANGE,
                    std::string{static_cast<const char*>(encoded.base), encoded.len}};
    raft_free(encoded.base);
    return guarded(io, [&] {
      if (term == 1)
        self.store_.set_term(self.group_, 1);
      self.store_.stage_append(self.group_, self.next_index_, {&entry, 1});
      self.store_.commit();
      self.next_index_ += 1;
    });
  }

  static int set_term(raft_io* io, raft_term term) {
    auto& self = of(io);
    return guarded(io, [&] { self.store_.set_term(self.group_, term); });
  }

  static int set_vote(raft_io* io, raft_id id) {
    auto& self = of(io);
    return guarded(io, [&] { self.store_.set_vote(self.group_, id); });
  }

  static int send(raft_io* io, raft_io_send* req, const raft_message* message, raft_io_send_cb cb) {
    auto& self = of(io);
    self.hooks_.send(message->server_address, encode_message(*message));
    if (cb != nullptr)  // libraft sends some messages (TimeoutNow) without a callback
      self.completions_.push_back([req, cb] { cb(req, 0); });
    return 0;
  }

  static int append(raft_io* io, raft_io_append* req, const raft_entry entries[], unsigned n,
                    raft_io_append_cb cb) {
    auto& self = of(io);
    std::vector<log_entry> copies;
    copies.reserve(n);
    for (unsigned i = 0; i < n; ++i)
      copies.push_back({entries[i].term, entries[i].type,
                        std::string{static_cast<const char*>(entries[i].buf.base),
                                    entries[i].buf.len}});
    self.store_.stage_append(self.group_, self.next_index_, copies);
    self.next_index_ += n;
    self.completions_.push_back([req, cb] { cb(req, 0); });
    return 0;
  }

  static int truncate(raft_io* io, raft_index index) {
    auto& self = of(io);
    self.store_.stage_truncate(self.group_, index);
    self.next_index_ = index;
    return 0;
  }

  static int snapshot_put(raft_io* io, unsigned trailing, raft_io_snapshot_put* req,
                          const raft_snapshot* snapshot, raft_io_snapshot_put_cb cb) {
    auto& self = of(io);
    snapshot_record record{snapshot->index,
                           snapshot->term,
                           snapshot->configuration_index,
                           encode_configuration(snapshot->configuration),
                           {}};
    for (unsigned i = 0; i < snapshot->n_bufs; ++i)
      record.data.append(static_cast<const char*>(snapshot->bufs[i].base), snapshot->bufs[i].len);
    self.store_.stage_snapshot(self.group_, record, trailing);
    if (trailing == 0)
      self.next_index_ = snapshot->index + 1;
    self.completions_.push_back([req, cb] { cb(req, 0); });
    return 0;
  }

  static int snapshot_get(raft_io* io, raft_io_snapshot_get* req, raft_io_snapshot_get_cb cb) {
    auto& self = of(io);
    raft_snapshot* snapshot = nullptr;
    int status = guarded(io, [&] {
      if (auto record = self.store_.snapshot(self.group_))
        snapshot = to_raft_snapshot(*record);
    });
    if (status == 0 && snapshot == nullptr)
      status = RAFT_NOTFOUND;
    self.completions_.push_back([req, cb, snapshot, status] { cb(req, snapshot, status); });
    return 0;
  }

  static raft_time time(raft_io* io) { return of(io).now_(); }

  static int random(raft_io* io, int min, int max) {
    return std::uniform_int_distribution<int>{min, max}(of(io).random_);
  }

  // The state machine. A snapshot starts with the index it covers: restore() needs it and
  // libraft does not pass it.
  static int apply(raft_fsm* fsm, const raft_buffer* buf, void** result) {
    auto& self = of(fsm);
    auto index = raft_last_applied(self.raft_.get()) + 1;  // libraft applies in order
    self.applied_result_ = self.hooks_.apply(index,
                                             {static_cast<const char*>(buf->base), buf->len});
    *result = nullptr;
    return 0;
  }

  static int snapshot(raft_fsm* fsm, raft_buffer* bufs[], unsigned* n_bufs) {
    auto& self = of(fsm);
    std::string data;
    keys::append_be64(data, raft_last_applied(self.raft_.get()));
    data += self.hooks_.snapshot();
    *bufs = static_cast<raft_buffer*>(raft_malloc(sizeof(raft_buffer)));
    (*bufs)[0].base = raft_malloc(data.size());
    (*bufs)[0].len = data.size();
    std::memcpy((*bufs)[0].base, data.data(), data.size());
    *n_bufs = 1;
    return 0;
  }

  static int restore(raft_fsm* fsm, raft_buffer* buf) {
    auto& self = of(fsm);
    std::string_view data{static_cast<const char*>(buf->base), buf->len};
    if (data.size() < 8) {
      raft_free(buf->base);
      return RAFT_CORRUPT;
    }
    self.hooks_.restore(keys::read_be64(data), data.substr(8));
    raft_free(buf->base);  // restore owns the buffer (libraft's rule)
    return 0;
  }

  struct change_request {
    raft_change request{};
    replica* owner = nullptr;
    replica::proposal_done done;
    std::uint64_t promote = 0;  // once added (as a spare), promote this server to voter
  };

  // Runs the next step outside libraft's call stack, as every completion does.
  static void changed(raft_change* req, int status) {
    auto* request = static_cast<change_request*>(req->data);
    auto& self = *request->owner;
    self.completions_.push_back([request, status] {
      auto& self = *request->owner;
      if (status == 0 && request->promote != 0) {
        auto id = std::exchange(request->promote, 0);
        if (raft_assign(self.raft_.get(), &request->request, id, RAFT_VOTER, changed) == 0)
          return;
        request->done({false, "cannot promote the new server"});
      } else {
        request->done({status == 0, status == 0 ? std::string{} : raft_strerror(status)});
      }
      delete request;
    });
  }
};

namespace {

// libraft hands a request back by its struct; `data` leads back to what we keep with it.
struct apply_request {
  struct raft_apply request {};
  replica* owner = nullptr;
  replica::proposal_done done;
};

}  // namespace

replica::replica(log_store& store, group_id group, server self, replica_hooks hooks, clock now,
                 replica_options options)
    : store_(store), group_(group), self_(std::move(self)), hooks_(std::move(hooks)),
      now_(std::move(now)), options_(options), raft_(std::make_unique<::raft>()),
      random_(std::random_device{}() ^ (self_.id * 0x9e3779b97f4a7c15ull) ^ group) {
  io_.version = 1;
  io_.impl = this;
  io_.init = backend::init;
  io_.close = backend::close;
  io_.load = backend::load;
  io_.start = backend::start;
  io_.bootstrap = backend::bootstrap;
  io_.recover = backend::recover;
  io_.set_term = backend::set_term;
  io_.set_vote = backend::set_vote;
  io_.send = backend::send;
  io_.append = backend::append;
  io_.truncate = backend::truncate;
  io_.snapshot_put = backend::snapshot_put;
  io_.snapshot_get = backend::snapshot_get;
  io_.time = backend::time;
  io_.random = backend::random;
  fsm_.version = 1;
  fsm_.data = this;
  fsm_.apply = backend::apply;
  fsm_.snapshot = backend::snapshot;
  fsm_.restore = backend::restore;
  if (int rv = raft_init(raft_.get(), &io_, &fsm_, self_.id, self_.address.c_str()); rv != 0)
    throw std::runtime_error("raft group " + std::to_string(group_) + ": " + raft_strerror(rv));
  raft_.get()->data = this;
  raft_set_heartbeat_timeout(raft_.get(), options_.heartbeat_ms);
  raft_set_election_timeout(raft_.get(), options_.election_timeout_ms);
  raft_set_snapshot_threshold(raft_.get(), options_.snapshot_threshold);
  raft_set_snapshot_trailing(raft_.get(), options_.snapshot_trailing);
  // A node cut off and back does not depose a healthy leader with its inflated term.
  raft_set_pre_vote(raft_.get(), true);
}

replica::~replica() {
  raft_close(raft_.get(), [](::raft* r) { static_cast<replica*>(r->data)->closed_ = true; });
  while (!closed_ && flush()) {
  }
}

bool replica::bootstrap(const std::vector<server>& servers) {
  raft_configuration configuration;
  raft_configuration_init(&configuration);
  for (auto& s : servers)
    raft_configuration_add(&configuration, s.id, s.address.c_str(), s.role);
  int rv = raft_bootstrap(raft_.get(), &configuration);
  raft_configuration_close(&configuration);
  if (rv == RAFT_CANTBOOTSTRAP)
    return false;
  if (rv != 0)
    throw std::runtime_error("raft group " + std::to_string(group_) +
                             ": bootstrap: " + raft_strerror(rv));
  return true;
}

void replica::start() {
  if (int rv = raft_start(raft_.get()); rv != 0)
    throw std::runtime_error("raft group " + std::to_string(group_) +
                             ": start: " + raft_errmsg(raft_.get()));
  started_ = true;
}

void replica::tick() {
  if (started_ && tick_cb_ != nullptr)
    tick_cb_(&io_);
}

void replica::receive(std::string_view from_address, std::uint64_t from_id,
                      std::string_view bytes) {
  if (!started_ || recv_cb_ == nullptr)
    return;
  raft_message message;
  if (!decode_message(bytes, message))
    return;  // a damaged or foreign message is dropped like a lost one; Raft retries
  std::string address{from_address};
  message.server_id = from_id;
  message.server_address = address.c_str();
  recv_cb_(&io_, &message);
}

void replica::propose(std::string command, proposal_done done) {
  if (!leading()) {
    done({false, "not the leader"});
    return;
  }
  auto* request = new apply_request{{}, this, std::move(done)};
  request->request.data = request;
  raft_buffer buf{raft_malloc(command.empty() ? 1 : command.size()), command.size()};
  std::memcpy(buf.base, command.data(), command.size());
  int rv = raft_apply(
    raft_.get(), &request->request, &buf, 1, [](struct raft_apply* req, int status, void*) {
      auto* request = static_cast<apply_request*>(req->data);
      auto& self = *request->owner;
      proposal_result outcome{status == 0, status == 0 ? std::move(self.applied_result_)
                                                       : std::string{raft_strerror(status)}};
      // The caller hears of it from flush(), outside libraft's call stack.
      self.completions_.push_back([request, outcome = std::move(outcome)]() mutable {
        request->done(std::move(outcome));
        delete request;
      });
    });
  if (rv != 0) {
    if (rv == RAFT_NOTLEADER)
      raft_free(buf.base);  // refused before libraft took the buffer
    auto refused = std::move(request->done);
    delete request;
    refused({false, raft_strerror(rv)});
  }
}

void replica::barrier(proposal_done done) {
  struct barrier_request {
    struct raft_barrier request {};
    replica* owner = nullptr;
    replica::proposal_done done;
  };
  auto* request = new barrier_request{{}, this, std::move(done)};
  request->request.data = request;
  int rv = raft_barrier(raft_.get(), &request->request, [](struct raft_barrier* req, int status) {
    auto* request = static_cast<barrier_request*>(req->data);
    request->owner->completions_.push_back([request, status] {
      request->done({status == 0, status == 0 ? std::string{} : raft_strerror(status)});
      delete request;
    });
  });
  if (rv != 0) {
    auto refused = std::move(request->done);
    delete request;
    refused({false, raft_strerror(rv)});
  }
}

bool replica::add_server(const server& s, proposal_done done) {
  // raft_add brings the server in as a spare; raft_assign then catches it up and promotes it.
  auto* request = new backend::change_request{{}, this, std::move(done), s.id};
  request->request.data = request;
  if (raft_add(raft_.get(), &request->request, s.id, s.address.c_str(), backend::changed) != 0) {
    delete request;
    return false;
  }
  return true;
}

bool replica::remove_server(std::uint64_t id, proposal_done done) {
  auto* request = new backend::change_request{{}, this, std::move(done), 0};
  request->request.data = request;
  if (raft_remove(raft_.get(), &request->request, id, backend::changed) != 0) {
    delete request;
    return false;
  }
  return true;
}

bool replica::promote(std::uint64_t id, proposal_done done) {
  auto* request = new backend::change_request{{}, this, std::move(done), 0};
  request->request.data = request;
  if (raft_assign(raft_.get(), &request->request, id, RAFT_VOTER, backend::changed) != 0) {
    delete request;
    return false;
  }
  return true;
}

bool replica::transfer_leadership(std::uint64_t id, std::function<void()> done) {
  struct transfer_request {
    struct raft_transfer request {};
    replica* owner = nullptr;
    std::function<void()> done;
  };
  auto* request = new transfer_request{{}, this, std::move(done)};
  request->request.data = request;
  int rv = raft_transfer(raft_.get(), &request->request, id, [](struct raft_transfer* req) {
    auto* request = static_cast<transfer_request*>(req->data);
    request->owner->completions_.push_back([request] {
      request->done();
      delete request;
    });
  });
  if (rv != 0) {
    delete request;
    return false;
  }
  return true;
}

bool replica::flush() {
  if (store_.has_staged())
    store_.commit();
  if (completions_.empty())
    return false;
  // Completions may start more I/O (and so more completions); run until none are left.
  while (!completions_.empty()) {
    auto next = std::move(completions_.front());
    completions_.pop_front();
    next();
    if (store_.has_staged())
      store_.commit();
  }
  return true;
}

bool replica::leading() const { return raft_state(raft_.get()) == RAFT_LEADER; }

std::uint64_t replica::term() const { return raft_.get()->current_term; }

std::optional<server> replica::leader() const {
  raft_id id = 0;
  const char* address = nullptr;
  raft_leader(raft_.get(), &id, &address);
  if (id == 0 || address == nullptr)
    return std::nullopt;
  return server{id, address, RAFT_VOTER};
}

std::vector<server> replica::configuration() const {
  std::vector<server> servers;
  auto& c = raft_.get()->configuration;
  for (unsigned i = 0; i < c.n; ++i)
    servers.push_back({c.servers[i].id, c.servers[i].address, c.servers[i].role});
  return servers;
}

std::uint64_t replica::last_applied() const { return raft_last_applied(raft_.get()); }

}  // namespace aethex::storage::raft
