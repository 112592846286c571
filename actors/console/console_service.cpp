#include "actors/console/console_service.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <span>

#include <caf/all.hpp>

#include "runtime/cluster.hpp"
#include "runtime/placement.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using done_fn = std::function<void(caf::expected<json>)>;

struct builtin {
  const char* name;
  const char* usage;
  const char* help;
  const char* example;
};

constexpr builtin builtins[] = {
  {"help", "help [command|kind]", "Every command with an example, or the details of one.",
   "help send"},
  {"ls", "ls [kind/]",
   "Entity kinds with their live activations and stored streams; with kind/, that kind's "
   "entities.",
   "ls channel/"},
  {"show", "show <kind/id>", "State and stream version of one entity.", "show channel/alice"},
  {"events", "events <kind/id> [--last N | --from SEQ] [--limit N]",
   "The entity's event stream: seq, type, time and payload (secrets masked). Default --last 20.",
   "events channel/alice --last 20"},
  {"send", "send <kind/id> <command> [args...] [--as USER]",
   "Sends a command that changes the entity (emits events); `help KIND` lists its commands.",
   "send channel/alice set-title \"Speedrun night\" --as alice"},
  {"ask", "ask <kind/id> <query> [args...]", "Asks the entity a query (no state change).",
   "ask channel/alice status"},
  {"nodes", "nodes", "Nodes of the cluster with their address, uptime and live entities.", "nodes"},
  {"partitions", "partitions", "Entity partitions and the node that owns each.", "partitions"},
};

constexpr std::size_t max_listed = 10000;

struct options {
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> named;
  bool has(std::string_view name) const { return named.count(name) > 0; }
};

caf::error invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

// Splits "--name value" / "--name=value" pairs from positional words; "--" ends options.
caf::expected<options> parse_options(std::span<const std::string> words,
                                     std::initializer_list<std::string_view> allowed,
                                     std::string_view command) {
  options out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& word = words[i];
    if (word == "--") {
      out.positional.insert(out.positional.end(), words.begin() + i + 1, words.end());
      break;
    }
    if (word.size() <= 2 || word.compare(0, 2, "--") != 0) {
      out.positional.push_back(word);
      continue;
    }
    auto eq = word.find('=');
    auto name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return invalid("unknown option --" + name + " for " + std::string{command});
    if (eq != std::string::npos) {
      out.named[name] = word.substr(eq + 1);
    } else if (i + 1 < words.size()) {
      out.named[name] = words[++i];
    } else {
      return invalid("option --" + name + " needs a value");
    }
  }
  return out;
}

caf::expected<std::uint64_t> parse_count(const options& opts, std::string_view name,
                                         std::uint64_t fallback) {
  auto it = opts.named.find(name);
  if (it == opts.named.end())
    return fallback;
  std::uint64_t value = 0;
  auto& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return invalid("--" + std::string{name} + " expects a whole number, got '" + text + "'");
  return value;
}

// Sums `ls` answers of several nodes: kinds add up their counts, entities are listed once
// (a stream lives on one node; an activation may briefly exist on two during a move).
json merge_listings(const std::vector<json>& answers) {
  if (answers.empty())
    return json::object();
  if (answers.front().contains("kinds")) {
    std::map<std::string, json> kinds;
    for (auto& answer : answers)
      for (auto& row : answer["kinds"]) {
        auto& merged = kinds[row["kind"].get<std::string>()];
        if (merged.is_null()) {
          merged = row;
          continue;
        }
        merged["active"] = merged["active"].get<std::size_t>() + row["active"].get<std::size_t>();
        merged["stored"] = merged["stored"].get<std::size_t>() + row["stored"].get<std::size_t>();
      }
    json list = json::array();
    for (auto& [_, row] : kinds)
      list.push_back(row);
    return json{{"kinds", std::move(list)}};
  }
  std::map<std::string, json> entities;
  for (auto& answer : answers)
    for (auto& row : answer["entities"]) {
      auto& merged = entities[row["id"].get<std::string>()];
      if (merged.is_null()) {
        merged = row;
        continue;
      }
      merged["active"] = merged["active"].get<bool>() || row["active"].get<bool>();
      merged["version"] = std::max(merged["version"].get<std::uint64_t>(),
                                   row["version"].get<std::uint64_t>());
    }
  json list = json::array();
  for (auto& [_, row] : entities)
    list.push_back(row);
  return json{{"kind", answers.front()["kind"]}, {"entities", std::move(list)}};
}

struct service_state {
  console_config cfg;
  static inline const char* name = "console_service";
};

using service_actor = caf::stateful_actor<service_state>;

class session {
 public:
  session(service_actor* self, done_fn done)
      : self_(self), cfg_(self->state.cfg), done_(std::move(done)) {}

  void run(std::vector<std::string> words) {
    if (words.empty())
      return done_(invalid("empty command"));
    auto name = words.front();
    std::span<const std::string> rest{words.data() + 1, words.size() - 1};
    if (name == "help")
      return done_(help(rest));
    if (name == "ls")
      return ls_everywhere(std::move(words));
    if (name == "show" || name == "events")
      return on_owner(std::move(words));
    if (name == "send" || name == "ask")
      return invoke(name == "ask", rest);
    if (name == "nodes" || name == "partitions")
      return cluster(name == "nodes", rest);
    done_(invalid("unknown command '" + name + "' (try: help)"));
  }

 private:
  struct target {
    std::string kind;
    std::string id;
    std::string stream() const { return kind + "/" + id; }
  };

  bool known_kind(std::string_view kind) const {
    return cfg_.adapters.find(kind) != nullptr ||
           std::find(cfg_.kinds.begin(), cfg_.kinds.end(), kind) != cfg_.kinds.end();
  }

  std::string known_kinds() const {
    std::set<std::string> names{cfg_.kinds.begin(), cfg_.kinds.end()};
    for (auto& [kind, _] : cfg_.adapters.all())
      names.insert(kind);
    std::string text;
    for (auto& n : names)
      text += (text.empty() ? "" : ", ") + n;
    return text;
  }

  caf::expected<target> parse_target(const std::string& word, bool id_optional = false) const {
    auto slash = word.find('/');
    if (slash == std::string::npos || slash == 0)
      return invalid("expected an entity as kind/id (e.g. channel/alice), got '" + word + "'");
    target t{word.substr(0, slash), word.substr(slash + 1)};
    if (!known_kind(t.kind))
      return invalid("unknown entity kind '" + t.kind + "' (known: " + known_kinds() + ")");
    if (t.id.empty() && !id_optional)
      return invalid("missing id in '" + word + "' (expected kind/id)");
    return t;
  }

  caf::expected<json> help(std::span<const std::string> args) const {
    auto all = console_help(cfg_.adapters);
    if (args.empty())
      return all;
    const auto& topic = args.front();
    for (auto& c : all["commands"])
      if (c["name"] == topic)
        return json{{"commands", json::array({c})}, {"kinds", json::array()}};
    for (auto& k : all["kinds"])
      if (k["kind"] == topic || k["kind"].get<std::string>() + "/" == topic)
        return json{{"commands", json::array()}, {"kinds", json::array({k})}};
    for (auto& k : all["kinds"])
      for (auto& c : k["commands"])
        if (c["name"] == topic)
          return json{{"commands", json::array()},
                      {"kinds", json::array({json{{"kind", k["kind"]},
                                                  {"summary", k["summary"]},
                                                  {"commands", json::array({c})}}})}};
    return make_error(errc::not_found, "no help for '" + topic + "' (try: help)");
  }

  template <class F>
  void with_active(F then) {
    self_->request(cfg_.registry, console::entity_timeout, list_atom::value)
      .then([then](std::vector<std::string>& keys) mutable { then(keys); },
            [done = done_](caf::error& err) { done(std::move(err)); });
  }

  // `ls` in a cluster: every member lists what it holds (`ls --here`), the answers are merged.
  void ls_everywhere(std::vector<std::string> words) {
    auto here = std::find(words.begin(), words.end(), "--here");
    if (here != words.end() || !cfg_.membership) {
      if (here != words.end())
        words.erase(here);
      return ls({words.data() + 1, words.size() - 1});
    }
    words.insert(words.begin() + 1, "--here");
    self_->request(cfg_.membership, console::entity_timeout, get_atom::value)
      .then(
        [self = self_, done = done_, words](runtime::cluster_view& view) {
          struct gather {
            std::vector<json> answers;
            std::size_t pending = 0;
            caf::error failure;
          };
          auto state = std::make_shared<gather>();
          auto finish = [state, done] {
            if (--state->pending > 0)
              return;
            if (state->failure)
              return done(state->failure);
            done(merge_listings(state->answers));
          };
          for (auto& member : view.members)
            if (member.services) {
              ++state->pending;
              self->request(member.services, console::entity_timeout, console_atom::value, words)
                .then(
                  [state, finish](const std::string& text) {
                    state->answers.push_back(json::parse(text));
                    finish();
                  },
                  [state, finish](caf::error& err) {
                    state->failure = std::move(err);
                    finish();
                  });
            }
          if (state->pending == 0)
            run_ls_here(self, done, words);
        },
        [self = self_, done = done_, words](caf::error&) { run_ls_here(self, done, words); });
  }

  static void run_ls_here(service_actor* self, const done_fn& done,
                          const std::vector<std::string>& words) {
    session s{self, done};
    s.ls({words.data() + 2, words.size() - 2});  // past "ls --here"
  }

  void ls(std::span<const std::string> args) {
    auto opts = parse_options(args, {"limit"}, "ls");
    if (!opts)
      return done_(opts.error());
    auto limit = parse_count(*opts, "limit", 1000);
    if (!limit)
      return done_(limit.error());
    if (opts->positional.size() > 1)
      return done_(invalid("usage: ls [kind/]"));
    if (opts->positional.empty())
      return with_active([done = done_, cfg = &cfg_](std::vector<std::string>& keys) {
        std::map<std::string, std::pair<std::size_t, std::size_t>> kinds;  // active, stored
        for (auto& k : cfg->kinds)
          kinds[k];
        for (auto& [k, _] : cfg->adapters.all())
          kinds[k];
        for (auto& key : keys)
          ++kinds[key.substr(0, key.find('/'))].first;
        for (auto& stream : cfg->store->list_streams("", max_listed))
          ++kinds[stream.substr(0, stream.find('/'))].second;
        json list = json::array();
        for (auto& [kind, counts] : kinds) {
          auto* a = cfg->adapters.find(kind);
          list.push_back(json{{"kind", kind},
                              {"active", counts.first},
                              {"stored", counts.second},
                              {"commands", a ? a->commands.size() : 0}});
        }
        done(json{{"kinds", std::move(list)}});
      });
    auto word = opts->positional.front();
    if (word.find('/') == std::string::npos)
      word += "/";
    auto t = parse_target(word, true);
    if (!t)
      return done_(t.error());
    with_active([done = done_, kind = t->kind, prefix = t->id, max = *limit,
                 store = cfg_.store](std::vector<std::string>& keys) {
      std::set<std::string> active;
      for (auto& key : keys)
        if (key.rfind(kind + "/" + prefix, 0) == 0)
          active.insert(key.substr(kind.size() + 1));
      std::set<std::string> ids = active;
      for (auto& stream : store->list_streams(kind + "/" + prefix, max))
        ids.insert(stream.substr(kind.size() + 1));
      json list = json::array();
      for (auto& id : ids) {
        if (list.size() >= max)
          break;
        list.push_back(json{{"id", id},
                            {"active", active.count(id) > 0},
                            {"version", store->version(kind + "/" + id)}});
      }
      done(json{{"kind", kind}, {"entities", std::move(list)}});
    });
  }

  // `show` and `events` read the entity's stream, which lives on its partition's owner: run
  // them on that member's console when it is another node.
  void on_owner(std::vector<std::string> words) {
    std::optional<target> t;
    for (auto it = words.begin() + 1; it != words.end(); ++it)
      if (it->rfind("--", 0) != 0) {
        if (auto parsed = parse_target(*it))
          t = *parsed;
        break;
      }
    if (!cfg_.membership || !t)
      return run_here(self_, done_, words);
    self_->request(cfg_.membership, console::entity_timeout, get_atom::value)
      .then(
        [self = self_, done = done_, words, this_node = cfg_.node.node_id,
         partition = runtime::partition_of(t->kind, t->id)](runtime::cluster_view& view) {
          auto& owner = view.table.owner_of(partition);
          auto* member = view.find(owner);
          if (owner == this_node || !member || !member->services)
            return run_here(self, done, words);  // owned here, or its owner is not known
          self->request(member->services, console::entity_timeout, console_atom::value, words)
            .then([done](const std::string& text) { done(json::parse(text)); },
                  [done](caf::error& err) { done(std::move(err)); });
        },
        [self = self_, done = done_, words](caf::error&) { run_here(self, done, words); });
  }

  static void run_here(service_actor* self, const done_fn& done,
                       const std::vector<std::string>& words) {
    session s{self, done};
    std::span<const std::string> args{words.data() + 1, words.size() - 1};
    if (words.front() == "show")
      return s.show(args);
    done(s.events(args));
  }

  void show(std::span<const std::string> args) {
    if (args.size() != 1)
      return done_(invalid("usage: show <kind/id>"));
    auto t = parse_target(args[0]);
    if (!t)
      return done_(t.error());
    auto version = cfg_.store->version(t->stream());
    if (version == 0)
      return done_(make_error(errc::not_found, "no entity " + t->stream() + " (no events)"));
    json out{{"entity", t->stream()}, {"version", version}};
    auto* a = cfg_.adapters.find(t->kind);
    const console::command* query = a ? a->find(a->show_query) : nullptr;
    if (!query) {
      auto last = cfg_.store->read_stream(t->stream(), version, 1);
      out["last_event"] = last.empty() ? json(nullptr) : event_json(last.front());
      return done_(std::move(out));
    }
    auto msg = query->build(console::invocation{});
    if (!msg)
      return done_(msg.error());
    query->dispatch(self_, cfg_.registry, t->kind, t->id, std::move(*msg),
                    [done = done_, out](caf::expected<json> state) mutable {
                      if (!state)
                        return done(state.error());
                      out["state"] = std::move(*state);
                      done(std::move(out));
                    });
  }

  caf::expected<json> events(std::span<const std::string> args) const {
    auto opts = parse_options(args, {"last", "from", "limit"}, "events");
    if (!opts)
      return opts.error();
    if (opts->positional.size() != 1)
      return invalid("usage: events <kind/id> [--last N | --from SEQ] [--limit N]");
    if (opts->has("last") && opts->has("from"))
      return invalid("use either --last or --from, not both");
    auto t = parse_target(opts->positional.front());
    if (!t)
      return t.error();
    auto last = parse_count(*opts, "last", 20);
    auto from = parse_count(*opts, "from", 0);
    auto limit = parse_count(*opts, "limit", 1000);
    for (auto* e : {&last, &from, &limit})
      if (!*e)
        return e->error();
    auto stream = t->stream();
    auto version = cfg_.store->version(stream);
    // Followers (--from) may wait for a stream that does not exist yet.
    if (version == 0 && !opts->has("from"))
      return make_error(errc::not_found, "no entity " + stream + " (no events)");
    std::uint64_t first = *from;
    std::uint64_t count = std::min<std::uint64_t>(*limit, max_listed);
    if (!opts->has("from")) {
      first = version >= *last ? version - *last + 1 : 1;
      count = std::min(count, *last);
    }
    json list = json::array();
    if (count > 0)
      for (auto& rec : cfg_.store->read_stream(stream, std::max<std::uint64_t>(first, 1), count))
        list.push_back(event_json(rec));
    return json{{"stream", stream}, {"version", version}, {"events", std::move(list)}};
  }

  void invoke(bool query, std::span<const std::string> args) {
    auto verb = query ? "ask" : "send";
    auto opts = parse_options(args, {"as"}, verb);
    if (!opts)
      return done_(opts.error());
    auto& words = opts->positional;
    if (words.size() < 2)
      return done_(invalid(std::string{"usage: "} + verb + " <kind/id> <" +
                           (query ? "query" : "command") + "> [args...]"));
    auto t = parse_target(words[0]);
    if (!t)
      return done_(t.error());
    auto* a = cfg_.adapters.find(t->kind);
    if (!a)
      return done_(invalid("entity kind '" + t->kind + "' has no console commands yet"));
    auto* c = a->find(words[1]);
    if (!c) {
      std::string names;
      for (auto& cmd : a->commands)
        if (cmd.query == query)
          names += (names.empty() ? "" : ", ") + cmd.name;
      return done_(invalid("unknown " + std::string{query ? "query" : "command"} + " '" + words[1] +
                           "' for " + t->kind + " (" + verb + ": " + names + ")"));
    }
    if (c->query != query)
      return done_(invalid("'" + c->name + "' " + (c->query ? "is a query" : "changes state") +
                           "; use: " + console::usage(*a, *c)));
    auto as = opts->has("as") ? opts->named["as"] : std::string{};
    auto inv = console::bind_arguments(*a, *c, {words.begin() + 2, words.end()}, std::move(as));
    if (!inv)
      return done_(inv.error());
    auto msg = c->build(*inv);
    if (!msg)
      return done_(msg.error());
    c->dispatch(self_, cfg_.registry, t->kind, t->id, std::move(*msg), done_);
  }

  void cluster(bool nodes, std::span<const std::string> args) {
    if (!args.empty())
      return done_(invalid(nodes ? "usage: nodes" : "usage: partitions"));
    auto node = cfg_.node;
    if (node.node_id.empty())
      node.node_id = "local";
    if (cfg_.membership)
      return cluster_members(nodes, node);
    with_active([done = done_, node, nodes](std::vector<std::string>& keys) {
      using namespace std::chrono;
      auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
      if (nodes)
        return done(json{
          {"nodes", json::array({json{{"id", node.node_id},
                                      {"address", node.http_address},
                                      {"self", true},
                                      {"status", "up"},
                                      {"started_at", iso_time(node.started_at_ms)},
                                      {"uptime_s", (now - node.started_at_ms) / 1000},
                                      {"active_entities", keys.size()}}})}});
      done(json{{"count", 1},
                {"mode", "single-node"},
                {"partitions",
                 json::array(
                   {json{{"id", 0}, {"owner", node.node_id}, {"active_entities", keys.size()}}})}});
    });
  }

  // The cluster's own view: every member and the owner of each partition.
  void cluster_members(bool nodes, const console_node_info& node) {
    self_->request(cfg_.membership, console::entity_timeout, get_atom::value)
      .then(
        [done = done_, nodes, self_id = node.node_id](runtime::cluster_view& view) {
          if (nodes) {
            using namespace std::chrono;
            auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
            json list = json::array();
            for (auto& member : view.members)
              list.push_back(json{{"id", member.node_id},
                                  {"address", member.http_endpoint},
                                  {"self", member.node_id == self_id},
                                  {"status", "up"},
                                  {"joined_at", iso_time(member.joined_ms)},
                                  {"uptime_s", (now - member.joined_ms) / 1000}});
            return done(json{{"nodes", std::move(list)}});
          }
          json partitions = json::array();
          for (std::size_t p = 0; p < view.table.owners.size(); ++p)
            partitions.push_back(json{{"id", p}, {"owner", view.table.owners[p]}});
          done(json{{"count", view.table.owners.size()},
                    {"mode", "cluster"},
                    {"table_version", view.table.version},
                    {"partitions", std::move(partitions)}});
        },
        [done = done_](caf::error& err) { done(std::move(err)); });
  }

  service_actor* self_;
  const console_config& cfg_;
  done_fn done_;
};

caf::behavior service_behavior(service_actor* self, console_config cfg) {
  self->state.cfg = std::move(cfg);
  return {
    [self](console_atom, std::vector<std::string>& words) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      // Callbacks of pending requests capture only values and the actor's own state, so the
      // session object itself may end with this handler.
      session s{self, [rp](caf::expected<json> result) mutable {
                  if (result)
                    rp.deliver(result->dump());
                  else
                    rp.deliver(result.error());
                }};
      s.run(std::move(words));
      return rp;
    },
  };
}

}  // namespace

caf::actor spawn_console_service(caf::actor_system& sys, console_config config) {
  return sys.spawn<caf::detached>(service_behavior, std::move(config));
}

json console_help(const console::adapter_table& adapters) {
  json commands = json::array();
  for (auto& b : builtins)
    commands.push_back(json{
      {"name", b.name}, {"usage", b.usage}, {"help", b.help}, {"example", b.example}});
  json kinds = json::array();
  for (auto& [kind, a] : adapters.all()) {
    json list = json::array();
    for (auto& c : a.commands)
      list.push_back(console::describe(a, c));
    kinds.push_back(json{{"kind", kind}, {"summary", a.summary}, {"commands", std::move(list)}});
  }
  return json{{"commands", std::move(commands)}, {"kinds", std::move(kinds)}};
}

}  // namespace aethex::actors
