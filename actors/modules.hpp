// The module list: every domain this build has, in the order the node starts them.
#pragma once

#include "actors/core/console_adapter.hpp"
#include "actors/core/module.hpp"

namespace aethex::actors {

/// One instance of every domain module.
module_list all_modules();

namespace console {
/// Every module's console adapters (what `send`/`ask` can do with each kind).
adapter_table default_adapters();
}  // namespace console

}  // namespace aethex::actors
