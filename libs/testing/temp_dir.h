// Test helpers shared by every test binary: a temporary directory removed at
// destruction. Header-only so each test links nothing extra.
#ifndef CS_LIBS_TESTING_TEMP_DIR_H_
#define CS_LIBS_TESTING_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace cs::testing {

// Creates a fresh directory under $TMPDIR (or /tmp); removes it recursively
// when destroyed. Aborts the test binary if the directory cannot be created.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr ? base : "/tmp") + "/cs_test_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace cs::testing

#endif  // CS_LIBS_TESTING_TEMP_DIR_H_
