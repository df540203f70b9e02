#pragma once

#include <string>
#include <vector>

namespace picket::controller::cli {

// The --conf and --svg files of `device add` and `device reissue`. Each gets
// a temporary file (0600) beside it when this is made, so a path that cannot
// be written fails before picketd is asked for anything; write() fills and
// syncs the temporaries, commit() renames them into place, and whatever was
// not committed is removed on destruction. A target is never left half
// written.
class OutputFiles {
 public:
  OutputFiles(const std::string& conf_path, const std::string& svg_path);
  ~OutputFiles();
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  bool empty() const { return files_.empty(); }
  // The config as a .conf and its QR code as SVG. Throws CliError.
  void write(const std::string& config);
  // Throws CliError naming the file that stayed at its temporary name.
  void commit();

 private:
  struct File {
    std::string target;
    std::string temporary;
    int fd = -1;
    bool svg = false;
  };
  void add(const std::string& target, bool svg);
  std::vector<File> files_;
};

}  // namespace picket::controller::cli
