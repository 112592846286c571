// A clear-text CAF 0.17 client, as an attacker without the cluster's TLS credentials would
// write it: `plain_caf_probe HOST PORT` asks the cluster port for its published actor
// (caf::io::middleman::remote_actor) and, if it gets one, for the cluster view (get_atom),
// which would hand out every member's registry. Prints what it obtained:
//   "actor obtained", "view obtained: N members" / "no actor: ..." / "no view: ...".
// The process ends with _Exit: CAF 0.17 can hang tearing a middleman system down.
#include <cstdlib>
#include <iostream>
#include <string>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: plain_caf_probe HOST PORT\n";
    return 2;
  }
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.set("logger.verbosity", caf::atom("quiet"));
  aethex::runtime::add_cluster_message_types(cfg);
  auto* sys = new caf::actor_system{cfg};  // never destroyed, see above
  auto port = static_cast<std::uint16_t>(std::stoi(argv[2]));
  auto remote = sys->middleman().remote_actor(argv[1], port);
  if (!remote) {
    std::cout << "no actor: " << sys->render(remote.error()) << std::endl;
    std::_Exit(1);
  }
  std::cout << "actor obtained" << std::endl;
  caf::scoped_actor self{*sys};
  self->request(*remote, std::chrono::seconds(5), aethex::get_atom::value)
    .receive(
      [](const aethex::runtime::cluster_view& view) {
        std::cout << "view obtained: " << view.members.size() << " members" << std::endl;
      },
      [&](const caf::error& err) { std::cout << "no view: " << sys->render(err) << std::endl; });
  std::_Exit(0);
}
