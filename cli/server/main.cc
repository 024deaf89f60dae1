// `tongdang-server`: the county's central server. Filled in by the sync area.
#include <iostream>

int main() {
  std::cerr << "tongdang-server: not built yet\n";
  return 1;
}
