// Read model of all channels: what the directory page, search and "who is live" need.
//
// Fed by events of streams "channel/<name>":
//   channel.created      {"name","owner","title"}
//   channel.updated      {"title"?, "category"?, "tags"?}   (absent fields keep their value)
//   channel.went_live    {}
//   channel.went_offline {}
//   channel.featured     {"featured"}
//
// Table `channels` holds the rows; `channel_index` (SQLite FTS5, same rowid) indexes name,
// title, category, tags and state ("live"/"offline") for search (channel_search.hpp says why
// FTS5); `category_counts` counts channels and live ones per category and partition;
// `word_variants` maps every indexed word and its one-byte deletions to the word (typos).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/event_schema.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

/// Whether `a` and `b` are one edit apart (Damerau: a byte more, less, replaced, or two
/// neighbouring bytes swapped).
bool one_edit_apart(std::string_view a, std::string_view b);

class channel_directory final : public storage::projection {
 public:
  // ".4": channels gained `featured` (".3": the search index gained `state` and categories
  // their counts); a new name replays every channel event into them.
  static constexpr std::string_view projection_name = "channel_directory.4";
  static constexpr std::string_view stream_prefix = "channel/";

  struct channel {
    std::string name;
    std::string title;
    std::string category;
    bool live = false;
    std::string owner;
    std::int64_t updated_ms = 0;
    bool featured = false;
    bool operator==(const channel&) const = default;
  };

  std::string name() const override { return std::string(projection_name); }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands, or on a malformed payload, so
  /// the directory stops rather than showing wrong data.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;

  /// Schemas this projection understands (all four types at 1).
  static const storage::event_schema_registry& schemas();

  // Queries; any connection to the read model database works (e.g. a read_only one).
  static std::optional<channel> find(storage::sqlite::database& db, std::string_view name);
  /// Channels ordered by name, starting after `after_name` (for paging).
  static std::vector<channel> list(storage::sqlite::database& db, bool live_only = false,
                                   std::size_t limit = 100, std::string_view after_name = {});

  /// Every live channel, or those of `category` when it is not empty (by name).
  static std::vector<channel> live(storage::sqlite::database& db, std::string_view category = {});

  struct match {
    channel row;
    std::vector<std::string> tags;
  };
  /// Per category and partition: a channel of that partition (for owns checks), channels, live.
  struct category_count {
    std::string category;
    std::string sample;
    std::uint64_t channels = 0;
    std::uint64_t live = 0;
  };
  /// Only categories whose lower-cased name contains `containing` (lower-case ASCII) when it is
  /// not empty: search's filter, done inside SQLite instead of over every row.
  static std::vector<category_count> category_counts(storage::sqlite::database& db,
                                                     std::string_view containing = {});

  /// Typo tolerance: indexed words one edit (a byte more, less, replaced, or two neighbours
  /// swapped) from `word`, at most max_words_near, for words of typo_word_min..max bytes.
  static constexpr std::size_t typo_word_min = 4;
  static constexpr std::size_t typo_word_max = 32;
  static constexpr std::size_t max_words_near = 8;
  static std::vector<std::string> words_near(storage::sqlite::database& db, std::string_view word);

  /// At most `limit` channels the FTS5 expression `fts_query` matches, in index order: FTS5
  /// stops at the limit instead of ranking every match (callers rank the candidates).
  static std::vector<match> search(storage::sqlite::database& db, std::string_view fts_query,
                                   std::size_t limit);
};

}  // namespace aethex::actors
